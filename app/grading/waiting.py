"""A queued submission's place in its queue and an estimate of when its grading starts, from recent grading times and
the gradings seen running at once. Numbers only (no other submission's owner or id), from a few bounded queries."""
import statistics
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import and_, func, or_, select

from app.core.db import aware
from app.core.models import Submission

COUNT_CAP = 10000          # rows counted ahead at most (a position beyond says "10000 or more")
RECENT = 50                # recent gradings the times and the workers are taken from
RUNNING_CAP = 1000


@dataclass
class Wait:
    position: int                      # 1: next to start
    estimated_start_s: Optional[float]  # None: no grading of this queue seen yet
    typical_s: Optional[float]         # the median grading time used
    workers: int                       # gradings seen running at once


def _ahead(session, sub):
    waiting = and_(Submission.queue == sub.queue, Submission.status == 'queued', Submission.id != sub.id)
    if sub.enqueued_at is not None:                    # unsent rows (the sweeper sends them) go after
        waiting = and_(waiting, Submission.enqueued_at.is_not(None), or_(
            Submission.enqueued_at < sub.enqueued_at,
            and_(Submission.enqueued_at == sub.enqueued_at, Submission.id < sub.id)))
    rows = select(Submission.id).where(waiting).limit(COUNT_CAP).subquery()
    return session.scalar(select(func.count()).select_from(rows))


def _most_at_once(intervals):
    events = sorted([(s, 1) for s, _ in intervals] + [(f, -1) for _, f in intervals], key=lambda e: (e[0], e[1]))
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


def start_after(ahead, busy_left, workers, typical_s):
    """Seconds until a grading slot takes the submission: each of `ahead` takes the slot that frees first and
    holds it typical_s; busy_left: seconds each running grading still needs (the other slots are free)."""
    slots = sorted(list(busy_left) + [0.0] * (workers - len(busy_left)))
    return slots[ahead % workers] + (ahead // workers) * typical_s


def queue_wait(session, sub, now=None):
    """The Wait of a queued submission, else None."""
    if sub.status != 'queued':
        return None
    now = now or datetime.now(timezone.utc)
    ahead = _ahead(session, sub)
    recent = session.execute(select(Submission.started_at, Submission.finished_at).where(
        Submission.queue == sub.queue, Submission.status == 'graded', Submission.started_at.is_not(None),
        Submission.finished_at.is_not(None)).order_by(Submission.finished_at.desc()).limit(RECENT)).all()
    running = session.scalars(select(Submission.started_at).where(
        Submission.queue == sub.queue, Submission.status == 'running').limit(RUNNING_CAP)).all()
    intervals = [(aware(s), aware(f)) for s, f in recent if f >= s]
    workers = max(len(running), _most_at_once(intervals), 1)
    if not intervals:
        return Wait(ahead + 1, None, None, workers)
    typical = statistics.median((f - s).total_seconds() for s, f in intervals)
    busy = [max(0.0, typical - (now - aware(s)).total_seconds()) if s else typical for s in running]
    return Wait(ahead + 1, round(start_after(ahead, busy, workers, typical), 1), round(typical, 1), workers)
