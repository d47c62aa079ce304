"""Deep linking pages: after a LtiDeepLinkingRequest launch the instructor picks one of the linked course's
assignments (/lti/deep-link/ID); the answer is a page that posts the signed LtiDeepLinkingResponse (field JWT)
to the platform's return URL. The request is the signed-in user's own, unexpired, and answered once."""
from datetime import datetime, timezone

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select

from app.accounts.access import is_instructor
from app.core.models import Assignment, Course
from app.courses import audit
from app.http.deps import SessionDep
from app.lti import deep_linking
from app.lti.errors import LaunchRefused
from app.lti.tables import LtiPlatform

from .common import check_csrf, page_user, render
from .lti_pages import tool_base

router = APIRouter(include_in_schema=False)


def _pending(session, user, request_id, take=False):
    now = datetime.now(timezone.utc)
    try:
        row = (deep_linking.take if take else deep_linking.find)(session, request_id, user, now)
    except LaunchRefused as exc:
        raise HTTPException(exc.status_code, exc.message)
    if not is_instructor(session, user, row.course_id):
        raise HTTPException(403, 'only the course\'s instructors choose the assignment a new link opens')
    return row


def _choose(request, session, user, row, error=None, status_code=200):
    assignments = session.scalars(select(Assignment).where(Assignment.course_id == row.course_id)
                                  .order_by(Assignment.title)).all()
    return render(request, 'lti_deep_link.html', user, status_code=status_code, request_id=row.id,
                  course=session.get(Course, row.course_id), assignments=assignments, error=error)


@router.get('/lti/deep-link/{request_id}')
def choose(request_id: str, request: Request, session: SessionDep):
    user = page_user(request, session)
    return _choose(request, session, user, _pending(session, user, request_id))


@router.post('/lti/deep-link/{request_id}')
async def chosen(request_id: str, request: Request, session: SessionDep):
    user = page_user(request, session)
    form = await request.form()
    check_csrf(request, form)
    row = _pending(session, user, request_id)
    slug = form.get('assignment')
    assignment = session.scalars(select(Assignment).where(Assignment.slug == slug)).first() if isinstance(
        slug, str) and len(slug) <= 64 else None
    if assignment is None or assignment.course_id != row.course_id:
        return _choose(request, session, user, row, status_code=400,
                       error='Choose one of the course\'s assignments.')
    row = _pending(session, user, request_id, take=True)
    platform = session.get(LtiPlatform, row.platform_id)
    token = deep_linking.response(session, row, platform, [deep_linking.content_item(assignment, tool_base(request))])
    audit.record(session, 'LTI link added', user.id, assignment=assignment, detail=platform.issuer[:100])
    session.commit()
    return render(request, 'lti_deep_link_return.html', user, return_url=row.return_url, jwt=token,
                  assignment=assignment)
