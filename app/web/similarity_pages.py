"""Instructors: which students' latest files share unusually much code, and two files side by side."""
from fastapi import APIRouter, HTTPException, Request

from app.core.models import Submission, User
from app.core.storage import open_storage
from app.http.deps import SessionDep
from app.reports import similarity

from .common import instructor_page, render

router = APIRouter(prefix='/instructor', include_in_schema=False)


@router.get('/assignments/{slug}/similarity')
def similarity_page(slug: str, request: Request, session: SessionDep):
    user, assignment = instructor_page(request, session, slug)
    found = similarity.report(session, assignment, open_storage(request.app.state.settings, session))
    return render(request, 'similarity.html', user, assignment=assignment, min_score=similarity.MIN_SCORE, **found)


@router.get('/assignments/{slug}/similarity/{first}/{second}')
def compare_page(slug: str, first: int, second: int, request: Request, session: SessionDep):
    user, assignment = instructor_page(request, session, slug)
    storage = open_storage(request.app.state.settings, session)
    sides = []
    for sub_id in (first, second):
        sub = session.get(Submission, sub_id)
        if sub is None or sub.assignment_id != assignment.id:
            raise HTTPException(404, 'no submission %d in %s' % (sub_id, assignment.slug))
        sides.append((sub, session.get(User, sub.owner_id).email, similarity.source(storage, sub)))
    marked = similarity.shared_lines(sides[0][2], sides[1][2], similarity.given_code(session, assignment, storage))
    columns = []
    for (sub, email, source), marks in zip(sides, marked):
        lines = source.splitlines()
        columns.append({'sub': sub, 'email': email, 'shared': len(marks),
                        'lines': [(n, line, n in marks) for n, line in
                                  enumerate(lines[:similarity.MAX_LINES_SHOWN], start=1)],
                        'hidden': max(0, len(lines) - similarity.MAX_LINES_SHOWN)})
    return render(request, 'compare.html', user, assignment=assignment, columns=columns)
