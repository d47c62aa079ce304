"""Instructors regrade one submission or a whole assignment (all, or only rows of one status)."""
from typing import Optional

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from app.courses import audit
from app.accounts.access import assignment_or_404, instructor_or_403, readable_submission
from app.http.deps import CurrentUser, SessionDep
from app.grading.dispatch import requeue
from app.core.models import STATUSES, Submission

router = APIRouter(tags=['regrade'])


@router.post('/submissions/{submission_id}/regrade', status_code=202)
def regrade_one(submission_id: int, request: Request, session: SessionDep, user: CurrentUser):
    sub, assignment = readable_submission(session, user, submission_id)
    instructor_or_403(session, user, assignment, 'regrade submissions')
    audit.record(session, 'regrade', user.id, assignment=assignment, subject_id=sub.owner_id,
                 detail='submission %d (API)' % sub.id)
    requeue(session, [sub], {assignment.id: assignment}, request.app.state.settings, request.app.state.enqueue)
    return JSONResponse({'id': sub.id, 'status': sub.status}, status_code=202)


@router.post('/assignments/{slug}/regrade', status_code=202)
def regrade_all(slug: str, request: Request, session: SessionDep, user: CurrentUser, status: Optional[str] = None):
    """Regrade every submission of the assignment, or only those whose status is `status`."""
    assignment = assignment_or_404(session, slug)
    instructor_or_403(session, user, assignment, 'regrade submissions')
    if status is not None and status not in STATUSES:
        raise HTTPException(422, 'status must be one of %s' % ', '.join(STATUSES))
    query = select(Submission).where(Submission.assignment_id == assignment.id).order_by(Submission.id)
    if status is not None:
        query = query.where(Submission.status == status)
    rows = session.scalars(query).all()
    audit.record(session, 'regrade', user.id, assignment=assignment,
                 detail='%d submissions%s (API)' % (len(rows), ' with status %s' % status if status else ''))
    count = requeue(session, rows, {assignment.id: assignment}, request.app.state.settings,
                    request.app.state.enqueue)
    return JSONResponse({'assignment': slug, 'count': count}, status_code=202)
