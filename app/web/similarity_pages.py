"""Instructors: the similarity report (kept by a worker; progress shown), and two files side by side."""
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

from app.core.models import ArchiveFile, Submission, User
from app.core.storage import open_storage
from app.http.deps import SessionDep
from app.reports import similarity, similarity_store

from .common import instructor_page, render

router = APIRouter(prefix='/instructor', include_in_schema=False)


@router.get('/assignments/{slug}/similarity')
def similarity_page(slug: str, request: Request, session: SessionDep):
    user, assignment = instructor_page(request, session, slug)
    found = similarity_store.report(session, assignment)
    return render(request, 'similarity.html', user, assignment=assignment, min_score=similarity.MIN_SCORE, **found)


@router.post('/assignments/{slug}/similarity/run')
async def run_report(slug: str, request: Request, session: SessionDep):
    form = await request.form(max_files=0, max_fields=4)
    _, assignment = instructor_page(request, session, slug, form)
    similarity_store.mark_queued(session, assignment)
    session.commit()
    similarity_store.send(request.app.state.send_similarity, assignment.id, True)
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
