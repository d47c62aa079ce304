"""Instructor views of an assignment: best and latest score per student (JSON, CSV), results.json per student,
the course's audit trail (CSV)."""
import io
import re
import zipfile

from fastapi import APIRouter
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import select

from app.accounts.access import find_assignment, course_students, require_instructor
from app.core.models import Submission, User
from app.courses import audit
from app.courses.terms import schedule
from app.http.deps import CurrentUser, SessionDep
from app.reports.feedback import gradescope_json
from app.reports.scores import effective_score, summarise, to_csv

router = APIRouter(tags=['scores'])


def _course_rows(session, user, slug):
    assignment = find_assignment(session, slug)
    require_instructor(session, user, assignment, 'see its scores')
    students = course_students(session, assignment.course_id)
    subs = session.scalars(select(Submission).where(Submission.assignment_id == assignment.id)).all()
    return summarise(students, subs, schedule(session, assignment))


@router.get('/assignments/{slug}/scores')
def scores(slug: str, session: SessionDep, user: CurrentUser):
    rows = _course_rows(session, user, slug)
    return {'data': rows, 'count': len(rows)}


@router.get('/assignments/{slug}/scores.csv', response_class=PlainTextResponse)
def scores_csv(slug: str, session: SessionDep, user: CurrentUser):
    return PlainTextResponse(to_csv(_course_rows(session, user, slug)), media_type='text/csv',
                             headers={'Content-Disposition': 'attachment; filename="%s-scores.csv"' % slug})


@router.get('/assignments/{slug}/changes.csv', response_class=PlainTextResponse)
def changes_csv(slug: str, session: SessionDep, user: CurrentUser):
    """The audit trail of the assignment's course, newest first."""
    assignment = find_assignment(session, slug)
    require_instructor(session, user, assignment, 'see its changes')
    return PlainTextResponse(audit.to_csv(audit.recent(session, assignment.course_id, None)), media_type='text/csv',
                             headers={'Content-Disposition': 'attachment; filename="%s-changes.csv"' % slug})


@router.get('/assignments/{slug}/gradescope.zip')
def gradescope_zip(slug: str, session: SessionDep, user: CurrentUser):
    """EMAIL/results.json of each student's best graded submission (late policy applied to pick it)."""
    assignment = find_assignment(session, slug)
    require_instructor(session, user, assignment, 'export its results')
    best, terms = {}, schedule(session, assignment)
    for sub in session.scalars(select(Submission).where(Submission.assignment_id == assignment.id,
                                                        Submission.status == 'graded').order_by(Submission.id)):
        score = effective_score(sub, terms.of(sub.owner_id))
        if sub.owner_id not in best or score > best[sub.owner_id][0]:
            best[sub.owner_id] = (score, sub)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as zf:
        for owner_id, (_, sub) in sorted(best.items()):
            folder = re.sub(r'[^A-Za-z0-9@._+-]', '_', session.get(User, owner_id).email).lstrip('.')  # no zip slip
            zf.writestr('%s/results.json' % folder, gradescope_json(sub, assignment))
    return Response(buf.getvalue(), media_type='application/zip',
                    headers={'Content-Disposition': 'attachment; filename="%s-gradescope.zip"' % slug})
