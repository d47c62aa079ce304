"""Instructors: the similarity report (kept by a worker; progress shown), and two files side by side."""
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from app.core.errors import DomainError
from app.core.models import ArchiveFile, Course, Submission, User
from app.core.storage import open_storage
from app.courses import archive_files
from app.http.deps import SessionDep
from app.http.errors import status_of
from app.reports import similarity, similarity_store

from .common import check_csrf, instructor_page, render

router = APIRouter(prefix='/instructor', include_in_schema=False)
MAX_LABELS_SHOWN = 200


def _page(request, session, user, assignment, status_code=200, **extra):
    found = similarity_store.report(session, assignment)
    labels = session.execute(select(ArchiveFile.label, func.count()).where(
        ArchiveFile.course_id == assignment.course_id).group_by(ArchiveFile.label).order_by(ArchiveFile.label)).all()
    return render(request, 'similarity.html', user, status_code, assignment=assignment,
                  min_score=similarity.MIN_SCORE, labels=labels[:MAX_LABELS_SHOWN], label_count=len(labels),
                  **found, **extra)


@router.get('/assignments/{slug}/similarity')
def similarity_page(slug: str, request: Request, session: SessionDep):
    user, assignment = instructor_page(request, session, slug)
    return _page(request, session, user, assignment)


@router.post('/assignments/{slug}/similarity/archive')
async def add_archive(slug: str, request: Request, session: SessionDep):
    """The course's archive from the page: the instructor is checked before the body (up to 64 MiB) is read."""
    user, assignment = await run_in_threadpool(instructor_page, request, session, slug)
    await run_in_threadpool(session.commit)            # no connection held while the body arrives
    form = await request.form(max_files=1, max_fields=4)
    check_csrf(request, form)
    upload, label = form.get('file'), form.get('label')
    if upload is None or isinstance(upload, str):
        return _page(request, session, user, assignment, 422, archive_error='choose a zip of .py files to add')
    data = await upload.read(archive_files.MAX_ZIP_BYTES + 1)
    course = session.get(Course, assignment.course_id)
    try:
        added, there, files = await run_in_threadpool(
            similarity_store.import_archive, session, request.app.state.settings, request.app.state.send_similarity,
            course, label, upload.filename, data, user.id)
    except DomainError as exc:                         # a bad zip or label: the page again with the reason
        session.rollback()
        return _page(request, session, user, assignment, status_of(exc), archive_error=exc.message)
    return _page(request, session, user, assignment, archive_added=(added, there, files))


@router.post('/assignments/{slug}/similarity/run')
async def run_report(slug: str, request: Request, session: SessionDep):
    form = await request.form(max_files=0, max_fields=4)
    _, assignment = instructor_page(request, session, slug, form)
    similarity_store.queue_reports(session, request.app.state.send_similarity, [assignment], True)
    return RedirectResponse('/instructor/assignments/%s/similarity' % slug, status_code=303)


def _submission(session, assignment, sub_id, storage):
    sub = session.get(Submission, sub_id)
    if sub is None or sub.assignment_id != assignment.id:
        raise HTTPException(404, 'no submission %d in %s' % (sub_id, assignment.slug))
    return {'sub': sub, 'who': session.get(User, sub.owner_id).email, 'aria': 'submission %d' % sub.id,
            'source': similarity.source(storage, sub)}


def _archive_file(session, assignment, file_id, storage):
    row = session.get(ArchiveFile, file_id)
    if row is None or row.course_id != assignment.course_id:
        raise HTTPException(404, 'no archive file %d in the course of %s' % (file_id, assignment.slug))
    return {'sub': None, 'file': row, 'who': 'archive: %s · %s' % (row.label, row.name),
            'aria': 'archive file %d' % row.id, 'source': storage.get(row.sha256).decode('utf-8', 'replace')}


def _compare(request, session, user, assignment, storage, sides):
    handout, ignore = similarity_store.given(session, assignment, storage)
    marked = similarity.shared_lines(sides[0]['source'], sides[1]['source'], ignore, handout)
    for side, marks in zip(sides, marked):
        lines = side.pop('source').splitlines()
        side.update(shared=len(marks), hidden=max(0, len(lines) - similarity.MAX_LINES_SHOWN),
                    lines=[(n, line, n in marks) for n, line in enumerate(lines[:similarity.MAX_LINES_SHOWN], start=1)])
    return render(request, 'compare.html', user, assignment=assignment, columns=sides, handout=handout is not None)


@router.get('/assignments/{slug}/similarity/{first}/{second}')
def compare_page(slug: str, first: int, second: int, request: Request, session: SessionDep):
    user, assignment = instructor_page(request, session, slug)
    storage = open_storage(request.app.state.settings, session)
    sides = [_submission(session, assignment, sub_id, storage) for sub_id in (first, second)]
    return _compare(request, session, user, assignment, storage, sides)


@router.get('/assignments/{slug}/similarity/{first}/archive/{file_id}')
def compare_archive_page(slug: str, first: int, file_id: int, request: Request, session: SessionDep):
    user, assignment = instructor_page(request, session, slug)
    storage = open_storage(request.app.state.settings, session)
    sides = [_submission(session, assignment, first, storage), _archive_file(session, assignment, file_id, storage)]
    return _compare(request, session, user, assignment, storage, sides)
