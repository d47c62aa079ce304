"""Which queue grades a submission, sending it there after the row is committed, and sending again what got stuck.

`send` is a function (submission id, queue) that puts one task on the broker: app.grading.sender.Sender.grading
in the service, a stand-in in tests.
"""
import logging
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, or_, select

from app.core.models import Assignment, Submission

log = logging.getLogger(__name__)


def queue_for(assignment, settings):
    """'gpu' for CUDA or training checks when GPU workers exist, else 'cpu'."""
    wants_gpu = assignment.device == 'cuda' or assignment.training_checks
    return 'gpu' if settings.gpu_workers and wants_gpu else 'cpu'


def send_grading(session, subs, assignments, settings, send, restart=True):
    """Mark rows queued (a running attempt's results will be dropped), commit, then send their ids.

    restart: a new grading (upload, regrade), whose count of attempts starts again; the sweeper re-sends an
    unfinished grading and keeps its count, which bounds the workers one submission may take down.
    A send that fails (broker down) leaves the row queued with no send time: the sweeper sends it later."""
    now = datetime.now(timezone.utc)
    for sub in subs:
        sub.status, sub.claim, sub.enqueued_at = 'queued', None, now
        if restart:
            sub.attempts = 0
        sub.queue = queue_for(assignments[sub.assignment_id], settings)
    session.commit()                                   # the rows say queued before any worker can see an id
    unsent = []
    for sub in subs:
        try:
            send(sub.id, sub.queue)
        except Exception as exc:
            log.warning('submission %d not sent (%s); the sweeper will send it', sub.id, exc)
            unsent.append(sub)
    for sub in unsent:
        sub.enqueued_at = None
    if unsent:
        session.commit()
    return len(subs)


def stuck(session, deadline_s, now=None):
    """Rows never sent, queued since their last send or running since their start for over deadline_s."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(seconds=deadline_s)
    return session.scalars(select(Submission).where(or_(
        and_(Submission.status == 'queued', or_(Submission.enqueued_at.is_(None), Submission.enqueued_at < cutoff)),
        and_(Submission.status == 'running', Submission.started_at < cutoff))).order_by(Submission.id)).all()


def sweep(session, settings, send, now=None):
    """Send every stuck row again (keeping its count of attempts); returns their ids. A running row's late
    results will be dropped."""
    rows = stuck(session, settings.grading_deadline_s, now)
    if not rows:
        return []
    assignments = {a.id: a for a in session.scalars(select(Assignment).where(
        Assignment.id.in_({s.assignment_id for s in rows})))}
    send_grading(session, rows, assignments, settings, send, restart=False)
    return [s.id for s in rows]
