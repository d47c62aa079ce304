"""The dashboard's LMS grade sync section (app/web/templates/_lti_grades.html): how many scores reached the LMS,
which failed and why, and the button that sends every score again. Scores of a regrade are sent once applied."""
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select

from app.core.models import Assignment, Submission, User
from app.http.deps import SessionDep
from app.lti import passback
from app.lti.tables import LtiGradeSync, LtiResourceLink

from .common import instructor_page

router = APIRouter(prefix='/instructor', include_in_schema=False)
MAX_FAILURES = 20                 # failures listed on the page


def summary(session, assignment):
    """The section's numbers, or None when no LMS link opens the assignment (no section)."""
    links = session.scalars(select(LtiResourceLink.id).where(LtiResourceLink.assignment_id == assignment.id)).all()
    if not links:
        return None
    mine = LtiGradeSync.link_id.in_(links)
    counts = dict(session.execute(select(LtiGradeSync.status, func.count()).where(mine)
                                  .group_by(LtiGradeSync.status)).all())
    failures = session.execute(select(LtiGradeSync, User).join(User, User.id == LtiGradeSync.user_id).where(
        mine, LtiGradeSync.status == 'failed').order_by(LtiGradeSync.requested_at.desc()).limit(MAX_FAILURES)).all()
    return {'links': len(links), 'counts': counts, 'failures': failures,
            'last_sent': session.scalar(select(func.max(LtiGradeSync.sent_at)).where(mine))}


def after_change(request, session, assignment, user_ids=None):
    """Queue the scores a change may have moved (app.lti.passback.queue), students given or all."""
    passback.queue(request.app.state.send_lti_score, session, assignment, user_ids)


def after_regrade(request, session, run):
    """The owners of an applied regrade's submissions: their scores may have changed."""
    done = [item.submission_id for item in run.items if item.status == 'done']
    after_change(request, session, session.get(Assignment, run.assignment_id), session.scalars(
        select(Submission.owner_id).distinct().where(Submission.id.in_(done))).all())


@router.post('/assignments/{slug}/lti-grades/resend')
def resend(slug: str, request: Request, session: SessionDep, csrf: Annotated[str, Form()] = ''):
    """Every student's score sent to the LMS again (the instructors of the course only)."""
    _, assignment = instructor_page(request, session, slug, {'csrf': csrf})
    if passback.has_links(session, assignment.id):
        after_change(request, session, assignment, passback.resend_all(session, assignment))
    return RedirectResponse('/instructor/assignments/%s#lti-grades' % assignment.slug, status_code=303)
