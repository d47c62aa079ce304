"""One grading Report -> rows, in one transaction (check rows replaced, partial rows dropped, submission updated)."""
from datetime import datetime, timezone

from sqlalchemy import delete

from app.core.models import CheckRow, PartialCheck

TEXT_LIMIT = 8000        # characters of a message, an output or an error kept (the grader cuts well below)


def _cut(text):
    return text if text is None or len(text) <= TEXT_LIMIT else text[:TEXT_LIMIT - 20] + ' [... cut]'


def row_values(c):
    """A grader CheckResult as the columns of a stored check."""
    return dict(check_id=c.id, component=c.component, status=c.status, score=c.score, max_score=c.max_score,
                error=c.error, threshold=c.threshold, message=_cut(c.message), output=_cut(c.output),
                visibility=c.visibility, description=c.description, metric=c.metric)


def save_report(session, submission, report):
    """The report's rows replace the final ones and the partial ones (app.grading.progress)."""
    session.execute(delete(CheckRow).where(CheckRow.submission_id == submission.id))
    session.execute(delete(PartialCheck).where(PartialCheck.submission_id == submission.id))
    for c in report.checks:
        session.add(CheckRow(submission_id=submission.id, **row_values(c)))
    submission.pending = None
    submission.score = report.score
    submission.max_score = report.max_score
    submission.grader_version = report.grader_version
    submission.error = _cut(report.submission_error) or None
    submission.status = 'graded'
    submission.finished_at = datetime.now(timezone.utc)
