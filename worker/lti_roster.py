"""The roster sync task (grader.lti_roster(roster_sync_id)): app.lti.roster_sync run by a worker.

Acknowledged late (a worker that dies leaves the message to another); a platform that may answer later (5xx,
429, unreachable) is asked again after 30 s, 60 s, 120 s, 240 s, then the sync fails with the reason."""
import logging

from app.lti import roster_sync
from app.lti.services import ServiceError, Tokens

from .celery_app import app
from .tasks import session_factory

log = logging.getLogger(__name__)
TOKENS = Tokens()                  # the process's access tokens
MAX_RETRIES = 4
BACKOFF_S = 30


@app.task(name=roster_sync.ROSTER_TASK, bind=True, acks_late=True, max_retries=MAX_RETRIES)
def lti_roster(self, sync_id):
    Session = session_factory()
    try:
        roster_sync.run(Session, sync_id, TOKENS, last_try=self.request.retries >= MAX_RETRIES)
    except ServiceError as exc:
        raise self.retry(countdown=BACKOFF_S * 2 ** self.request.retries, exc=exc)
    except Exception as exc:        # a bug or the database down: the row says so rather than running forever
        log.exception('roster sync %s', sync_id)
        roster_sync.fail(Session, sync_id, 'the grader failed to apply the roster: %s' % type(exc).__name__)
