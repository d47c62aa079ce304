"""The sweeper process: send again, every AG_SWEEP_EVERY_S seconds, the submissions stuck in queued or running
past the grading deadline (which rows: app.grading.dispatch.sweep).

SQL is the source of truth; a broker that lost its messages (restarted without persistence) or a worker
that died leaves rows that say queued or running and that no message will ever reach. Run it as
`python -m worker.sweeper` (make run starts one).
"""
import logging
import signal
import time

from app.core.config import get_settings
from app.core.db import make_engine, make_sessionmaker
from app.grading.dispatch import sweep
from app.grading.sender import Sender

log = logging.getLogger('sweeper')


def main():
    logging.basicConfig(level=logging.INFO, format='%(asctime)s sweeper %(message)s')
    settings = get_settings()
    sender = Sender(settings.broker_url)
    Session = make_sessionmaker(make_engine(settings.database_url, settings.db_lock_timeout_s))
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    log.info('every %d s, deadline %d s', settings.sweep_every_s, settings.grading_deadline_s)
    while not stopping:
        try:
            with Session() as session:
                ids = sweep(session, settings, sender.grading)
            if ids:
                log.info('re-enqueued %d submission(s): %s', len(ids), ids[:20])
        except Exception as exc:                       # database or broker down: try again next round
            log.warning('sweep failed: %s', exc)
        end = time.monotonic() + settings.sweep_every_s
        while not stopping and time.monotonic() < end:
            time.sleep(0.2)


if __name__ == '__main__':
    main()
