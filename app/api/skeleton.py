"""Instructors give an assignment its course's skeleton (the handout), refused unless the profile serves it.

PUT    /api/v1/assignments/{slug}/skeleton   multipart field "file" -> the stored skeleton's summary; 422 with
                                             the modules and names the grader cannot serve (nothing stored)
GET    /api/v1/assignments/{slug}/skeleton   the stored file (404 when none)
DELETE /api/v1/assignments/{slug}/skeleton   -> 204
"""
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from app.accounts.access import find_assignment, require_instructor
from app.courses import skeletons
from app.http.deps import CurrentUser, SessionDep
from app.http.forms import read_skeleton

router = APIRouter(tags=['skeleton'])
BODY = {'requestBody': {'required': True, 'content': {'multipart/form-data': {'schema': {
    'type': 'object', 'required': ['file'], 'properties': {'file': {'type': 'string', 'format': 'binary'}}}}}}}


def _assignment(session, user, slug):
    assignment = find_assignment(session, slug)
    require_instructor(session, user, assignment, 'set the skeleton')
    return assignment


@router.put('/assignments/{slug}/skeleton', openapi_extra=BODY)
async def put_skeleton(slug: str, request: Request, session: SessionDep, user: CurrentUser):
    assignment = _assignment(session, user, slug)
    _, data = await read_skeleton(request, session)
    try:
        skeletons.store(session, assignment, data, user.id)
    except skeletons.SkeletonError as exc:
        session.rollback()
        return JSONResponse({'error': str(exc)}, status_code=422)
    session.commit()
    return skeletons.summary(assignment)


@router.get('/assignments/{slug}/skeleton')
def get_skeleton(slug: str, session: SessionDep, user: CurrentUser):
    assignment = _assignment(session, user, slug)
    if not assignment.skeleton:
        raise HTTPException(404, '%s has no skeleton' % slug)
    return Response(assignment.skeleton, media_type='text/x-python; charset=utf-8', headers={
        'Content-Disposition': 'attachment; filename="skeleton.py"', 'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox"})


@router.delete('/assignments/{slug}/skeleton', status_code=204)
def delete_skeleton(slug: str, session: SessionDep, user: CurrentUser):
    assignment = _assignment(session, user, slug)
    skeletons.remove(session, assignment, user.id)
    session.commit()
    return Response(status_code=204)
