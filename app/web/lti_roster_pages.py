"""The dashboard's "Roster from the LMS": the course's linked LMS courses, their last roster sync (NRPS), and the
button that asks a worker for a new one (the course's instructors only; one queued or running per LMS course)."""
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select

from app.http.deps import SessionDep
from app.lti import roster_sync
from app.lti.tables import LtiContext, LtiPlatform, LtiRosterSync

from .common import instructor_page

router = APIRouter(prefix='/instructor', include_in_schema=False)


def view(session, course_id):
    """[{context, platform, last, busy}] of the course's linked LMS courses (empty: the section is not shown)."""
    rows = session.execute(select(LtiContext, LtiPlatform).join(LtiPlatform, LtiPlatform.id == LtiContext.platform_id)
                           .where(LtiContext.course_id == course_id).order_by(LtiContext.id)).all()
    return [{'context': c, 'platform': p.name or p.issuer, 'last': roster_sync.last(session, c.id),
             'busy': roster_sync.busy(session, c.id) is not None} for c, p in rows]


@router.post('/assignments/{slug}/lti-roster/{context_id}')
def sync_roster(slug: str, context_id: int, request: Request, session: SessionDep, csrf: Annotated[str, Form()]):
    user, assignment = instructor_page(request, session, slug, {'csrf': csrf})
    context = session.get(LtiContext, context_id)
    if context is None or context.course_id != assignment.course_id:
        raise HTTPException(404, 'this course has no linked LMS course %d' % context_id)
    if not context.memberships_url:
        raise HTTPException(409, 'the LMS has not given its roster address yet: open the grader once from the '
                                 'LMS course, then sync')
    if roster_sync.busy(session, context.id):
        raise HTTPException(409, 'a roster sync of this LMS course is already waiting or running: reload the '
                                 'dashboard in a minute to see it')
    sync = LtiRosterSync(context_id=context.id, requested_by=user.id, requested_at=datetime.now(timezone.utc),
                         status='queued')
    session.add(sync)
    session.commit()
    try:
        request.app.state.send_task(roster_sync.ROSTER_TASK, [sync.id])
    except Exception as exc:                           # the broker is down: the row says so
        sync.status, sync.finished_at = 'failed', datetime.now(timezone.utc)
        sync.message = 'the grader\'s task queue could not be reached (%s): try again later' % type(exc).__name__
        session.commit()
        raise HTTPException(503, sync.message)
    return RedirectResponse('/instructor/assignments/%s#lti-roster' % assignment.slug, status_code=303)
