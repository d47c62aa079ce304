"""Grade passback (LTI Assignment and Grade Services): a student's score sent to the gradebook of every LMS
link of the assignment they launched from, by a worker (worker/lti_grades.py).

The score is what the instructor dashboard shows as the student's best (app.reports.scores.summarise: scoring
rule, late penalty and extensions applied), out of their submissions' maximum. Each (link, student) has one
LtiGradeSync row: pending while being sent, sent, or failed with the platform's reason; a score equal to the
last one sent is not sent again."""
import logging
from datetime import datetime, timezone

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from app.core.models import Assignment, Membership, Submission, User
from app.courses import terms
from app.lti import ags
from app.lti.services import ServiceError
from app.lti.tables import LtiAccount, LtiContext, LtiGradeSync, LtiPlatform, LtiResourceLink
from app.reports.scores import summarise

log = logging.getLogger(__name__)
MAX_LINKS = 20              # links of one assignment a score goes to


def has_links(session, assignment_id):
    """Whether any LMS link opens the assignment (else nothing is ever sent)."""
    return bool(session.scalar(select(exists().where(LtiResourceLink.assignment_id == assignment_id))))


def score_of(session, assignment, user):
    """(scoreGiven, scoreMaximum) as the dashboard shows it, or None before a graded submission."""
    subs = session.scalars(select(Submission).where(Submission.assignment_id == assignment.id,
                                                    Submission.owner_id == user.id)).all()
    row = summarise([user], subs, terms.schedule(session, assignment))[0]
    if row['best'] is None or not row['max_score']:
        return None
    return float(row['best']), float(row['max_score'])


def targets(session, assignment_id, user_id):
    """[(link, the student's sub on its platform)] of the assignment's links on platforms they launched from."""
    return session.execute(select(LtiResourceLink, LtiAccount.sub).join(LtiAccount, (
        LtiAccount.platform_id == LtiResourceLink.platform_id) & (LtiAccount.user_id == user_id))
        .where(LtiResourceLink.assignment_id == assignment_id).order_by(LtiResourceLink.id).limit(MAX_LINKS)).all()


def _row(session, link, user_id, now):
    query = select(LtiGradeSync).where(LtiGradeSync.link_id == link.id, LtiGradeSync.user_id == user_id)
    row = session.scalars(query).first()
    if row is None:
        row = LtiGradeSync(link_id=link.id, user_id=user_id, status='pending', attempts=0, last_error='',
                           requested_at=now)
        session.add(row)
        try:
            session.commit()
        except IntegrityError:             # another task made it at the same moment
            session.rollback()
            row = session.scalars(query).one()
    return row


def _lineitem(session, tokens, platform, link, assignment, maximum):
    """The link's line item URL: the launch's, else found or made in its course's line items and kept."""
    link = session.get(LtiResourceLink, link.id, with_for_update=True, populate_existing=True)
    if link.lineitem_url:
        return link.lineitem_url
    context = session.get(LtiContext, link.context_id)
    if not context.lineitems_url:
        raise ServiceError('the LMS gave neither a line item for this link nor a line items URL for its course: '
                           'enable grades (AGS) for the tool in the LMS, then launch the link once', retry=False)
    link.lineitem_url = ags.find_or_create(session, tokens, platform, context.lineitems_url, {
        'scoreMaximum': maximum, 'label': (link.title or assignment.title)[:200],
        'resourceLinkId': link.resource_link_id, 'resourceId': assignment.slug})
    session.commit()
    return link.lineitem_url


def _send(session, tokens, assignment, link, sub, score, now):
    platform = session.get(LtiPlatform, link.platform_id)
    url = link.lineitem_url or _lineitem(session, tokens, platform, link, assignment, score[1])
    ags.post_score(session, tokens, platform, url, {
        'userId': sub, 'scoreGiven': score[0], 'scoreMaximum': score[1], 'activityProgress': 'Completed',
        'gradingProgress': 'FullyGraded', 'timestamp': now.isoformat(timespec='milliseconds')})


def send(session, tokens, assignment_id, user_id, final=False, now=None):
    """Send the student's score to each link it has not reached yet. -> True when a send failed and may pass
    later (the caller tries again); final: the last try, such failures are recorded as failed."""
    now = now or datetime.now(timezone.utc)
    assignment, user = session.get(Assignment, assignment_id), session.get(User, user_id)
    score = assignment and user and score_of(session, assignment, user)
    if not score:
        return False
    again = False
    for link, sub in targets(session, assignment_id, user_id):
        row = _row(session, link, user_id, now)
        if row.status == 'sent' and (row.score_given, row.score_maximum) == score:
            continue                       # the LMS has it
        if row.status != 'pending' or (row.score_given, row.score_maximum) != score:
            row.attempts, row.requested_at = 0, now
        row.score_given, row.score_maximum, row.status = score[0], score[1], 'pending'
        row.attempts += 1
        session.commit()
        try:
            _send(session, tokens, assignment, link, sub, score, now)
        except ServiceError as exc:
            session.rollback()
            row.last_error = exc.message[:500]
            row.status = 'pending' if exc.retry and not final else 'failed'
            again = again or row.status == 'pending'
        else:
            row.status, row.sent_at, row.last_error = 'sent', now, ''
        session.commit()
    return again


def resend_all(session, assignment):
    """Every score of the assignment to send again (rows back to pending) -> the ids of the students to queue."""
    links = session.scalars(select(LtiResourceLink).where(LtiResourceLink.assignment_id == assignment.id)).all()
    now = datetime.now(timezone.utc)
    for row in session.scalars(select(LtiGradeSync).where(LtiGradeSync.link_id.in_([k.id for k in links]))):
        row.status, row.attempts, row.requested_at = 'pending', 0, now
    session.commit()
    return lms_students(session, assignment, links)


def queue(send, session, assignment, user_ids=None):
    """After a change that may move scores (an extension, new dates or penalty, an applied regrade): send(
    assignment_id, user_id) for each student given (None: all of lms_students) when LMS links open the assignment.
    A broker that is down stops it, logged: the dashboard's button sends them again. -> the number sent."""
    if not has_links(session, assignment.id):
        return 0
    ids = lms_students(session, assignment) if user_ids is None else list(user_ids)
    for n, user_id in enumerate(ids):
        try:
            send(assignment.id, user_id)
        except Exception as exc:
            log.warning('the LMS scores of assignment %d were not queued: %s', assignment.id, exc)
            return n
    return len(ids)


def lms_students(session, assignment, links=None):
    """Ids of the course's students with an account on a platform of the assignment's links."""
    if links is None:
        links = session.scalars(select(LtiResourceLink).where(LtiResourceLink.assignment_id == assignment.id)).all()
    return list(session.scalars(select(LtiAccount.user_id).distinct().join(Membership, (
        Membership.user_id == LtiAccount.user_id) & (Membership.course_id == assignment.course_id)).where(
        Membership.role == 'student', LtiAccount.platform_id.in_({k.platform_id for k in links}))))
