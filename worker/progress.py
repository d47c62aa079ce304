"""Each component's results written as the grader decides them, on a thread of their own: the grading never waits
for the database (a locked one only delays what readers see), and only the newest snapshot is written, at most
one each GAP_S."""
import logging
import threading
import time

from app.grading.progress import record

log = logging.getLogger(__name__)
GAP_S = 0.5              # between two writes (the first at once): fewer commits for the API to wait behind


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
        last = float('-inf')
        while True:
            with self.wake:
                while not self.closed and (self.latest is None or time.monotonic() - last < GAP_S):
                    self.wake.wait(None if self.latest is None else GAP_S - (time.monotonic() - last))
                if self.closed:
                    return
                snapshot, self.latest = self.latest, None
            last = time.monotonic()
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
