"""Results while a submission runs: each component's checks as the worker decides them (PartialCheck rows, tied to
the attempt's claim), and what a reader is shown: the final CheckRows, or while running only the current attempt's
partial rows (never two result sets, never an abandoned attempt's rows)."""
from sqlalchemy import delete, select

from app.core.models import PartialCheck, Submission
from app.grading.persist import row_values


def record(session, submission_id, claim, checks, pending):
    """Replace the partial rows with `checks` (grader CheckResults, all decided so far) if the attempt still holds
    the claim -> whether it did."""
    sub = session.get(Submission, submission_id, with_for_update=True)
    if sub is None or sub.status != 'running' or sub.claim != claim:
        session.rollback()
        return False
    session.execute(delete(PartialCheck).where(PartialCheck.submission_id == submission_id))
    session.add_all([PartialCheck(submission_id=submission_id, claim=claim, **row_values(c)) for c in checks])
    sub.pending = [str(p)[:64] for p in pending][:100]
    session.commit()
    return True


def clear(session, submission_id):
    """Drop the partial rows (a new attempt, a final report, an error); the caller commits."""
    session.execute(delete(PartialCheck).where(PartialCheck.submission_id == submission_id))


def shown_checks(session, sub):
    """The rows a reader sees: while running, the running attempt's decided checks (maybe none); else the final
    rows."""
    if sub.status != 'running':
        return sub.checks
    return session.scalars(select(PartialCheck).where(PartialCheck.submission_id == sub.id,
                                                      PartialCheck.claim == sub.claim)
                           .order_by(PartialCheck.id)).all()
