"""Instructors give an assignment its course's skeleton (the handout), refused unless the profile serves it.

PUT    /api/v1/assignments/{slug}/skeleton   multipart field "file" -> the stored skeleton's summary; 422 with
                                             the modules and names the grader cannot serve (nothing stored)
GET    /api/v1/assignments/{slug}/skeleton   the stored file (404 when none)
DELETE /api/v1/assignments/{slug}/skeleton   -> 204
"""
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from app.courses import skeletons
from app.accounts.access import assignment_or_404, instructor_or_403
from app.http.deps import CurrentUser, SessionDep

router = APIRouter(tags=['skeleton'])
BODY = {'requestBody': {'required': True, 'content': {'multipart/form-data': {'schema': {
    'type': 'object', 'required': ['file'], 'properties': {'file': {'type': 'string', 'format': 'binary'}}}}}}}


def _assignment(session, user, slug):
    assignment = assignment_or_404(session, slug)
    instructor_or_403(session, user, assignment, 'set the skeleton')
    return assignment


async def read_skeleton(request, session):
    """The bytes of the form's field "file" (the caller was checked before: the body is read only now);
    413 past skeletons.MAX_BYTES, 422 without a file. Returns (form, bytes)."""
    session.commit()
    form = await request.form(max_files=1, max_fields=4)
    upload = form.get('file')
    if upload is None or isinstance(upload, str):
        raise HTTPException(422, 'send the skeleton file as the multipart field "file"')
    data = await upload.read(skeletons.MAX_BYTES + 1)
    if len(data) > skeletons.MAX_BYTES:
        raise HTTPException(413, 'the skeleton is larger than %d bytes' % skeletons.MAX_BYTES)
    return form, data


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
