"""Instructors regrade one submission or a whole assignment (all, or only rows of one status)."""
from typing import Optional

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from app.accounts.access import find_assignment
from app.grading.regrades import regrade_assignment, regrade_one
from app.http.deps import CurrentUser, SessionDep

router = APIRouter(tags=['regrade'])


@router.post('/submissions/{submission_id}/regrade', status_code=202, name='regrade_one')   # its OpenAPI id as before
def regrade_submission(submission_id: int, request: Request, session: SessionDep, user: CurrentUser):
    sub = regrade_one(session, user, submission_id, request.app.state.settings, request.app.state.send_grading,
                      source='API')
    return JSONResponse({'id': sub.id, 'status': sub.status}, status_code=202)


@router.post('/assignments/{slug}/regrade', status_code=202)
def regrade_all(slug: str, request: Request, session: SessionDep, user: CurrentUser, status: Optional[str] = None):
    """Regrade every submission of the assignment, or only those whose status is `status`."""
    count = regrade_assignment(session, user, find_assignment(session, slug), request.app.state.settings,
                               request.app.state.send_grading, status, source='API')
    return JSONResponse({'assignment': slug, 'count': count}, status_code=202)
