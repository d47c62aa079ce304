"""What changed since a student's last upload: the checks that went from failing to passing and back, and the
score change, against the same student's previous graded submission of the assignment."""
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import select

from app.core.models import Submission

PASSING = ('passed',)
FAILING = ('failed', 'error', 'timeout')
LISTED = 50                                     # check ids named per list (a catalog has fewer)


@dataclass
class Changes:
    previous_id: int
    previous_score: Optional[float]
    score_delta: Optional[float]
    fixed: list = field(default_factory=list)      # failing before, passing now
    broken: list = field(default_factory=list)     # passing before, failing now
    hidden: bool = False                           # check details hidden: the score change only


def previous_graded(session, sub):
    """The owner's graded submission of the same assignment made just before `sub`, or None."""
    return session.scalars(select(Submission).where(
        Submission.owner_id == sub.owner_id, Submission.assignment_id == sub.assignment_id,
        Submission.id < sub.id, Submission.status == 'graded').order_by(Submission.id.desc()).limit(1)).first()


def compare(current, previous, hidden=False):
    """Changes from `previous` to `current` (both graded submissions with their check rows)."""
    delta = None
    if current.score is not None and previous.score is not None:
        delta = round(current.score - previous.score, 4)
    changes = Changes(previous_id=previous.id, previous_score=previous.score, score_delta=delta, hidden=hidden)
    if hidden:
        return changes
    before = {c.check_id: c.status for c in previous.checks}
    for c in current.checks:
        was = before.get(c.check_id)
        if was in FAILING and c.status in PASSING and len(changes.fixed) < LISTED:
            changes.fixed.append(c.check_id)
        elif was in PASSING and c.status in FAILING and len(changes.broken) < LISTED:
            changes.broken.append(c.check_id)
    return changes


def since_last(session, sub, hidden=False):
    """Changes of a graded submission since the owner's previous graded one, or None (not graded, or the first)."""
    if sub.status != 'graded':
        return None
    previous = previous_graded(session, sub)
    return compare(sub, previous, hidden) if previous is not None else None
