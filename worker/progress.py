"""Each component's results written as the grader decides them, on a thread of their own: the grading never waits
for the database (a locked one only delays what readers see), and only the newest snapshot is written."""
import logging
import threading

from app.grading.progress import record

log = logging.getLogger(__name__)


class Superseded(Exception):
    """The attempt lost its claim (a regrade, a sweep, a newer attempt): its grading stops."""


class PartialWriter:
    """progress(checks, pending) for grader.grade; close() before the final report is saved."""

    def __init__(self, Session, submission_id, claim):
        self.Session, self.submission_id, self.claim = Session, submission_id, claim
        self.latest, self.lost, self.closed = None, False, False
        self.wake = threading.Condition()
        self.thread = threading.Thread(target=self._run, name='partial-results', daemon=True)
        self.thread.start()

    def __call__(self, checks, pending):
        if self.lost:
            raise Superseded('submission %d: another attempt holds the claim' % self.submission_id)
        with self.wake:
            self.latest = (checks, pending)
            self.wake.notify()

    def _run(self):
        while True:
            with self.wake:
                while self.latest is None and not self.closed:
                    self.wake.wait()
                if self.closed:
                    return
                snapshot, self.latest = self.latest, None
            try:
                with self.Session() as session:
                    if not record(session, self.submission_id, self.claim, *snapshot):
                        self.lost = True
                        return
            except Exception as exc:               # a locked or unreachable database: the next snapshot tries
                log.warning('partial results of submission %d not written: %s', self.submission_id, exc)

    def close(self, timeout_s=30):
        """Stop writing; a write under way finishes first (the final save then replaces it)."""
        with self.wake:
            self.closed = True
            self.wake.notify()
        self.thread.join(timeout_s)
