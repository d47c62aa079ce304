"""One grading Report -> rows, in one transaction (check rows replaced, submission updated)."""
from datetime import datetime, timezone

from sqlalchemy import delete

from app.models import CheckResult


def save_report(session, submission, report):
    session.execute(delete(CheckResult).where(CheckResult.submission_id == submission.id))
    for c in report.checks:
        session.add(CheckResult(submission_id=submission.id, check_id=c.id, component=c.component,
                                status=c.status, score=c.score, max_score=c.max_score, error=c.error,
                                threshold=c.threshold, message=c.message, output=c.output,
                                visibility=c.visibility, description=c.description, metric=c.metric))
    submission.score = report.score
    submission.max_score = report.max_score
    submission.grader_version = report.grader_version
    submission.error = report.submission_error or None
    submission.status = 'graded'
    submission.finished_at = datetime.now(timezone.utc)
