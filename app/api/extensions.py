"""Instructors give students their own due dates over REST (the history page does the same by hand).

GET    /api/v1/assignments/{slug}/extensions           every extension of the assignment
PUT    /api/v1/assignments/{slug}/extensions/{email}   {"due_at", "late_due_at"?} (ISO; UTC unless an offset)
DELETE /api/v1/assignments/{slug}/extensions/{email}   back to the class's dates
"""
from datetime import datetime
from typing import Optional

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel
from sqlalchemy import select

from app.accounts.access import find_assignment, find_course_member, require_instructor
from app.core.db import aware
from app.core.models import Extension, User
from app.courses import terms
from app.http.deps import CurrentUser, SessionDep
from app.lti import passback

router = APIRouter(tags=['extensions'])


class ExtensionIn(BaseModel):
    due_at: datetime
    late_due_at: Optional[datetime] = None


def _row(session, email, extension):
    return {'email': email, 'due_at': aware(extension.due_at),
            'late_due_at': aware(extension.late_due_at), 'granted_at': aware(extension.granted_at),
            'granted_by': session.get(User, extension.granted_by).email if extension.granted_by else None}


def _assignment(session, user, slug):
    assignment = find_assignment(session, slug)
    require_instructor(session, user, assignment, 'manage extensions')
    return assignment


@router.get('/assignments/{slug}/extensions')
def list_extensions(slug: str, session: SessionDep, user: CurrentUser):
    assignment = _assignment(session, user, slug)
    rows = [_row(session, email, e) for email, e in terms.extensions(session, assignment)]
    return {'data': rows, 'count': len(rows)}


@router.put('/assignments/{slug}/extensions/{email}')
def put_extension(slug: str, email: str, body: ExtensionIn, request: Request, session: SessionDep,
                  user: CurrentUser):
    assignment = _assignment(session, user, slug)
    student = find_course_member(session, assignment, email=email)
    try:
        terms.grant(session, assignment, student.id, aware(body.due_at), aware(body.late_due_at), user.id)
    except ValueError as exc:
        session.rollback()
        raise HTTPException(422, str(exc))
    session.commit()
    passback.queue(request.app.state.send_lti_score, session, assignment, [student.id])     # the LMS's score
    extension = session.scalars(select(Extension).where(Extension.assignment_id == assignment.id,
                                                        Extension.user_id == student.id)).one()
    return _row(session, student.email, extension)


@router.delete('/assignments/{slug}/extensions/{email}', status_code=204)
def delete_extension(slug: str, email: str, request: Request, session: SessionDep, user: CurrentUser):
    assignment = _assignment(session, user, slug)
    student = find_course_member(session, assignment, email=email)
    terms.revoke(session, assignment, student.id, user.id)
    session.commit()
    passback.queue(request.app.state.send_lti_score, session, assignment, [student.id])
    return Response(status_code=204)
