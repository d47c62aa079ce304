"""The grade passback task (grader.lti_score): a student's score sent to the LMS gradebooks (app.lti.passback),
tried again with exponential backoff while the platform may recover; and its sending after a grading."""
import logging

from sqlalchemy.exc import IntegrityError, OperationalError

from app.core.models import Submission
from app.grading.sender import LTI_SCORE_TASK
from app.lti import passback
from app.lti.services import Tokens

from .celery_app import app

log = logging.getLogger(__name__)
TOKENS = Tokens()                  # the platforms' access tokens, per worker process
MAX_RETRIES = 10                   # 1 + 2 + ... + 512 s: about 17 minutes of a platform down
BACKOFF_CAP_S = 600


@app.task(name=LTI_SCORE_TASK, bind=True, max_retries=MAX_RETRIES, acks_late=True)
def lti_score(self, assignment_id, user_id):
    from .tasks import session_factory
    final = self.request.retries >= self.max_retries
    try:
        with session_factory()() as session:
            again = passback.send(session, TOKENS, assignment_id, user_id, final=final)
    except (OperationalError, IntegrityError) as exc:
        if final:
            raise
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, BACKOFF_CAP_S))
    if again:
        raise self.retry(countdown=min(2 ** self.request.retries, BACKOFF_CAP_S))
    return 'done'


def after_grading(Session, submission_id):
    """Queue the owner's score for the LMS when the assignment has LMS links; never fails the grading."""
    try:
        with Session() as session:
            sub = session.get(Submission, submission_id)
            if sub is None or not passback.has_links(session, sub.assignment_id):
                return False
            args = [sub.assignment_id, sub.owner_id]
        lti_score.apply_async(args=args, queue='cpu')
        return True
    except Exception as exc:                           # the dashboard's button sends it again
        log.warning('the LMS score of submission %d was not queued: %s', submission_id, exc)
        return False
