"""Instructors: a course's similarity archive and an assignment's similarity report.

POST   /api/v1/courses/{slug}/similarity-archive        multipart "file" (a zip of .py files) and "label" ->
                                                        201 {added, already_there, files}; every assignment's
                                                        report is recomputed by a worker
GET    /api/v1/courses/{slug}/similarity-archive        {data: [{id, label, name, sha256, size, added_at}], count}
DELETE /api/v1/courses/{slug}/similarity-archive/{id}   204
POST   /api/v1/assignments/{slug}/similarity            202: a worker recomputes the report
GET    /api/v1/assignments/{slug}/similarity            its progress and pairs (a reason to read both files,
                                                        not proof)
"""
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from sqlalchemy import select

from app.accounts.access import find_assignment, is_instructor, require_instructor
from app.core.errors import NotAllowed, NotFound
from app.core.models import Course
from app.courses import archive_files
from app.http.deps import CurrentUser, SessionDep
from app.reports import similarity_store

router = APIRouter(tags=['similarity'])
ARCHIVE_BODY = {'requestBody': {'required': True, 'content': {'multipart/form-data': {'schema': {
    'type': 'object', 'required': ['file', 'label'],
    'properties': {'file': {'type': 'string', 'format': 'binary'}, 'label': {'type': 'string'}}}}}}}


def instructed_course(session, user, slug):
    course = session.scalars(select(Course).where(Course.slug == slug)).first()
    if course is None:
        raise NotFound('no course %r' % slug)
    if not is_instructor(session, user, course.id):
        raise NotAllowed('only the course\'s instructors see its similarity archive')
    return course


@router.post('/courses/{slug}/similarity-archive', status_code=201, openapi_extra=ARCHIVE_BODY)
async def add_archive(slug: str, request: Request, session: SessionDep, user: CurrentUser):
    course = instructed_course(session, user, slug)
    session.commit()                                   # no connection held while the body arrives
    form = await request.form(max_files=1, max_fields=4)
    upload, label = form.get('file'), form.get('label')
    if upload is None or isinstance(upload, str):
        raise HTTPException(422, 'send the zip as the multipart field "file"')
    data = await upload.read(archive_files.MAX_ZIP_BYTES + 1)
    added, there, files = await run_in_threadpool(similarity_store.import_archive, session,
                                                  request.app.state.settings, request.app.state.send_similarity,
                                                  course, label, upload.filename, data, user.id)
    return JSONResponse({'added': added, 'already_there': there, 'files': files}, status_code=201)


def archive_public(row):
    return {'id': row.id, 'label': row.label, 'name': row.name, 'sha256': row.sha256, 'size': row.size,
            'added_at': row.added_at.isoformat()}


@router.get('/courses/{slug}/similarity-archive')
def list_archive(slug: str, session: SessionDep, user: CurrentUser):
    rows = archive_files.listing(session, instructed_course(session, user, slug))
    return {'data': [archive_public(r) for r in rows], 'count': len(rows)}


@router.delete('/courses/{slug}/similarity-archive/{file_id}', status_code=204)
def delete_archive(slug: str, file_id: int, request: Request, session: SessionDep, user: CurrentUser):
    course = instructed_course(session, user, slug)
    archive_files.remove(session, course, file_id, user.id)
    similarity_store.queue_reports(session, request.app.state.send_similarity,
                                   similarity_store.assignments_of(session, course.id), False)
    return Response(status_code=204)


@router.post('/assignments/{slug}/similarity', status_code=202)
def start_report(slug: str, request: Request, session: SessionDep, user: CurrentUser):
    assignment = find_assignment(session, slug)
    require_instructor(session, user, assignment, 'run the similarity report')
    similarity_store.queue_reports(session, request.app.state.send_similarity, [assignment], True)
    return {'status': 'queued'}


@router.get('/assignments/{slug}/similarity')
def read_report(slug: str, session: SessionDep, user: CurrentUser):
    assignment = find_assignment(session, slug)
    require_instructor(session, user, assignment, 'see the similarity report')
    found = similarity_store.report(session, assignment)
    found['finished_at'] = found['finished_at'].isoformat() if found['finished_at'] else None
    found['note'] = 'a high share is a reason to read both files side by side, not proof of copying'
    return found
