"""The sweeper: re-enqueue submissions stuck in queued or running past the grading deadline.

SQL is the source of truth; a broker that lost its messages (restarted without persistence) or a worker
that died leaves rows that say queued or running and that no message will ever reach. Run it as
`python -m worker.sweeper` (make run starts one); it wakes every AG_SWEEP_EVERY_S seconds.
"""
import logging
import signal
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, or_, select

from app.core.config import get_settings
from app.core.db import make_engine, make_sessionmaker
from app.grading.dispatch import requeue
from app.core.models import Assignment, Submission

log = logging.getLogger('sweeper')


def stuck(session, deadline_s, now=None):
    """Rows never sent, queued since their last send or running since their start for over deadline_s."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(seconds=deadline_s)
    return session.scalars(select(Submission).where(or_(
        and_(Submission.status == 'queued', or_(Submission.enqueued_at.is_(None), Submission.enqueued_at < cutoff)),
        and_(Submission.status == 'running', Submission.started_at < cutoff))).order_by(Submission.id)).all()


def sweep(session, settings, enqueue, now=None):
    """Send every stuck row again; returns their ids. A running row's late results will be dropped."""
    rows = stuck(session, settings.grading_deadline_s, now)
    if not rows:
        return []
    assignments = {a.id: a for a in session.scalars(select(Assignment).where(
        Assignment.id.in_({s.assignment_id for s in rows})))}
    requeue(session, rows, assignments, settings, enqueue, restart=False)
    return [s.id for s in rows]


def main():
    from worker.enqueue import enqueue_grading
    logging.basicConfig(level=logging.INFO, format='%(asctime)s sweeper %(message)s')
    settings = get_settings()
    Session = make_sessionmaker(make_engine(settings.database_url, settings.db_lock_timeout_s))
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    log.info('every %d s, deadline %d s', settings.sweep_every_s, settings.grading_deadline_s)
    while not stopping:
        try:
            with Session() as session:
                ids = sweep(session, settings, enqueue_grading)
            if ids:
                log.info('re-enqueued %d submission(s): %s', len(ids), ids[:20])
        except Exception as exc:                       # database or broker down: try again next round
            log.warning('sweep failed: %s', exc)
        end = time.monotonic() + settings.sweep_every_s
        while not stopping and time.monotonic() < end:
            time.sleep(0.2)


if __name__ == '__main__':
    main()
