"""Response models of the REST API, and a submission row as one."""
from datetime import datetime
from typing import Optional

from pydantic import BaseModel

from app.reports.feedback import details_hidden


class CheckPublic(BaseModel):
    id: str
    component: str
    status: str
    score: Optional[float]
    max_score: float
    error: Optional[float]
    threshold: Optional[float]
    message: Optional[str]
    output: Optional[str]
    description: str = ''
    metric: str = ''
    hidden: bool = False
    reproducer: str = ''          # a Python snippet rebuilding a failed check's inputs (grader/repro.py)


class SinceLastPublic(BaseModel):
    """What changed since the owner's previous graded submission (app/reports/changes.py)."""
    previous_id: int
    previous_score: Optional[float]
    score_delta: Optional[float]
    fixed: list[str] = []
    broken: list[str] = []
    hidden: bool = False


class SubmissionPublic(BaseModel):
    id: int
    assignment: str
    status: str
    score: Optional[float]
    max_score: Optional[float]
    grader_version: Optional[str]
    attempts: int
    late: bool
    error: Optional[str]
    requested_at: datetime
    started_at: Optional[datetime]
    finished_at: Optional[datetime]
    checks: list[CheckPublic] = []
    since_last: Optional[SinceLastPublic] = None
    pending: list[str] = []                  # while running: the components still to decide
    queue_position: Optional[int] = None     # while queued (GET one): 1 is next to start
    estimated_start_s: Optional[float] = None   # while queued: seconds until it should start (None: no history)


class SubmissionList(BaseModel):
    data: list[SubmissionPublic]
    count: int


def submission_public(sub, assignment, terms, instructor, checks=None, wait=None, since_last=None,
                      reproducers=None):
    """A submission row as the API shows it (terms: app.courses.terms, the owner's). checks: those to show
    (app.grading.progress.shown_checks; default the final rows); wait: its app.grading.waiting.Wait; since_last:
    app.reports.changes.Changes; reproducers: {check id: snippet}, app.reports.feedback.reproducers."""
    hide = details_hidden(assignment, terms, instructor)
    reproducers = {} if hide else (reproducers or {})
    checks = [CheckPublic(id=c.check_id, component=c.component, status='hidden' if hide else c.status,
                          score=None if hide else c.score, max_score=c.max_score,
                          error=None if hide else c.error, threshold=None if hide else c.threshold,
                          message=None if hide else c.message, output=None if hide else c.output,
                          description=c.description, metric=c.metric, hidden=hide,
                          reproducer=reproducers.get(c.check_id, ''))
              for c in (sub.checks if checks is None else checks)]
    running = sub.status == 'running'                 # an earlier grading's score never sits beside new checks
    return SubmissionPublic(id=sub.id, assignment=assignment.slug, status=sub.status,
                            score=None if running else sub.score, max_score=None if running else sub.max_score,
                            grader_version=sub.grader_version, attempts=sub.attempts,
                            late=sub.late, error=sub.error, requested_at=sub.requested_at,
                            started_at=sub.started_at, finished_at=sub.finished_at, checks=checks,
                            pending=(sub.pending or []) if running else [],
                            queue_position=wait.position if wait else None,
                            estimated_start_s=wait.estimated_start_s if wait else None,
                            since_last=SinceLastPublic(**vars(since_last)) if since_last else None)
