"""What a graded submission shows: check details hidden until the owner's due date where asked, Gradescope's
results.json, a reproducer per failed check."""
from datetime import datetime, timezone

from app.core.db import aware
from grader.catalog import PROFILES
from grader.repro import reproducer_for
from grader.report import CheckResult, Report


def details_hidden(assignment, terms, instructor, now=None):
    """Students see check details of such an assignment only after the submission owner's due date (terms:
    app.courses.terms, an extension moves it); instructors always."""
    now = now or datetime.now(timezone.utc)
    return bool(not instructor and assignment.details_after_due and terms.due_at and now < terms.due_at)


def gradescope_json(sub, assignment):
    """The stored results of a graded submission in Gradescope's results.json format."""
    checks = [CheckResult(id=c.check_id, component=c.component, status=c.status, score=c.score,
                          max_score=c.max_score, error=c.error, threshold=c.threshold, message=c.message,
                          visibility=c.visibility, output=c.output, description=c.description,
                          metric=c.metric) for c in sub.checks]
    took = (aware(sub.finished_at) - aware(sub.started_at)).total_seconds() if sub.started_at else 0.0
    return Report(profile=assignment.profile, checks=checks, grader_version=sub.grader_version or '',
                  submission_error=sub.error or '', duration_s=took).to_gradescope()


REPRODUCED = ('failed', 'error')
NOT_RUN = 'not run:'           # the file did not import: one error above, no reproducer per check


def reproducers(checks, assignment, hidden):
    """{check id: snippet} of the failed checks (rows shown: final or decided so far) whose details the viewer
    sees (grader/repro.py; '' skipped)."""
    profile = PROFILES.get(assignment.profile)
    if hidden or profile is None:
        return {}
    out = {}
    for c in checks:
        if c.status in REPRODUCED and c.visibility == 'visible' and NOT_RUN not in (c.message or ''):
            snippet = reproducer_for(profile, c.check_id)
            if snippet:
                out[c.check_id] = snippet
    return out
