"""Which queue grades a submission, and sending it there after the row is committed."""
import logging
from datetime import datetime, timezone

log = logging.getLogger(__name__)


def queue_for(assignment, settings):
    """'gpu' for CUDA or training checks when GPU workers exist, else 'cpu'."""
    wants_gpu = assignment.device == 'cuda' or assignment.training_checks
    return 'gpu' if settings.gpu_workers and wants_gpu else 'cpu'


def requeue(session, subs, assignments, settings, enqueue, restart=True):
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
            enqueue(sub.id, sub.queue)
        except Exception as exc:
            log.warning('submission %d not sent (%s); the sweeper will send it', sub.id, exc)
            unsent.append(sub)
    for sub in unsent:
        sub.enqueued_at = None
    if unsent:
        session.commit()
    return len(subs)
