"""The row side of one grading attempt: claim it, save its report only if the claim still holds."""
import uuid
from datetime import datetime, timezone

from app.core.models import Assignment, RegradeItem, RegradeRun, Submission
from app.grading.persist import save_report
from app.grading.progress import clear


class Attempt:
    """What one grading needs once its claim is committed (no open session while grading)."""

    def __init__(self, claim, sub, assignment):
        self.claim, self.sha256 = claim, sub.files[0]['sha256']
        self.profile, self.training_checks, self.device = (assignment.profile, assignment.training_checks,
                                                           assignment.device)


def upload_of(session, submission_id):
    """The sha256 of the file of a row still to grade, else None (claim says why)."""
    sub = session.get(Submission, submission_id)
    if sub is None or sub.status not in ('queued', 'running') or not sub.files:
        return None
    return sub.files[0]['sha256']


def claim(session, submission_id, worker, max_attempts):
    """An Attempt, or None when the row is gone, already graded or errored, or out of attempts."""
    sub = session.get(Submission, submission_id, with_for_update=True)
    if sub is None or sub.status not in ('queued', 'running'):
        return None
    if sub.attempts >= max_attempts:                   # every earlier attempt lost its worker
        sub.status, sub.claim = 'error', None
        sub.error = ('grading stopped after %d attempts that each lost their worker; an instructor can '
                     'regrade it' % sub.attempts)
        sub.finished_at, sub.pending = datetime.now(timezone.utc), None
        clear(session, submission_id)
        session.commit()
        return None
    assignment = session.get(Assignment, sub.assignment_id)
    sub.status, sub.attempts, sub.claim = 'running', sub.attempts + 1, uuid.uuid4().hex
    sub.started_at, sub.finished_at, sub.worker = datetime.now(timezone.utc), None, worker
    sub.pending = None
    clear(session, submission_id)                      # an abandoned attempt's partial rows
    session.commit()
    return Attempt(sub.claim, sub, assignment)


def save(session, submission_id, attempt, report):
    """Store the report if this attempt still holds the claim (a regrade or a newer attempt drops it)."""
    sub = session.get(Submission, submission_id, with_for_update=True)
    if sub is None or sub.claim != attempt.claim:
        return False
    save_report(session, sub, report)
    sub.claim = None
    session.commit()
    return True


def fail(session, submission_id, attempt, message):
    sub = session.get(Submission, submission_id, with_for_update=True)
    if sub is None or sub.claim != attempt.claim:
        return False
    sub.status, sub.claim, sub.error, sub.pending = 'error', None, message, None
    sub.finished_at = datetime.now(timezone.utc)
    clear(session, submission_id)                      # never left to look like results
    session.commit()
    return True


def fail_preview(session, item_id):
    """A regrade item whose grading failed: 'error', left out when the run is applied."""
    item = session.get(RegradeItem, item_id, with_for_update=True)
    if item is None or item.status != 'queued':
        return
    item.status = 'error'
    session.commit()


def preview_attempt(session, item_id):
    """The Attempt of a regrade item still to grade (no claim: previews never touch the submission), or None."""
    item = session.get(RegradeItem, item_id)
    if item is None or item.status != 'queued':
        return None
    run = session.get(RegradeRun, item.run_id)
    if run.status != 'grading':
        return None
    sub = session.get(Submission, item.submission_id)
    assignment = session.get(Assignment, sub.assignment_id)
    return Attempt(None, sub, assignment)


def save_preview(session, item_id, report):
    item = session.get(RegradeItem, item_id, with_for_update=True)
    if item is None or item.status != 'queued':
        return
    item.report, item.new_score, item.new_max_score = report.to_json(), report.score, report.max_score
    item.status = 'done'
    session.commit()
