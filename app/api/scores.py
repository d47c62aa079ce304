"""Instructor views of an assignment: best and latest score per student, as JSON or CSV."""
from fastapi import APIRouter
from fastapi.responses import PlainTextResponse
from sqlalchemy import select

from app.access import assignment_or_404, instructor_or_403
from app.deps import CurrentUser, SessionDep
from app.models import Membership, Submission, User
from app.scores import summarise, to_csv

router = APIRouter(tags=['scores'])


def _course_rows(session, user, slug):
    assignment = assignment_or_404(session, slug)
    instructor_or_403(session, user, assignment, 'see its scores')
    students = session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.course_id == assignment.course_id, Membership.role == 'student')).all()
    subs = session.scalars(select(Submission).where(Submission.assignment_id == assignment.id)).all()
    return summarise(assignment, students, subs)


@router.get('/assignments/{slug}/scores')
def scores(slug: str, session: SessionDep, user: CurrentUser):
    rows = _course_rows(session, user, slug)
    return {'data': rows, 'count': len(rows)}


@router.get('/assignments/{slug}/scores.csv', response_class=PlainTextResponse)
def scores_csv(slug: str, session: SessionDep, user: CurrentUser):
    return PlainTextResponse(to_csv(_course_rows(session, user, slug)), media_type='text/csv',
                             headers={'Content-Disposition': 'attachment; filename="%s-scores.csv"' % slug})
