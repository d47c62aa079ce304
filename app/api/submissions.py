"""Submissions: upload (202 + id), read one (own only, instructors their course), list mine."""
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from sqlalchemy import select

from app.db import aware
from app.deps import CurrentUser, SessionDep
from app.models import Assignment, Membership, Submission
from app.schemas import CheckPublic, SubmissionList, SubmissionPublic
from app.storage import Storage
from app.uploads import UploadError, graded_source

router = APIRouter(tags=['submissions'])


def _public(sub, assignment, now):
    hide = assignment.details_after_due and assignment.due_at and now < aware(assignment.due_at)
    checks = [CheckPublic(id=c.check_id, component=c.component, status=c.status if not hide else 'hidden',
                          score=None if hide else c.score, max_score=c.max_score,
                          error=None if hide else c.error, threshold=None if hide else c.threshold,
                          message=None if hide else c.message, output=None if hide else c.output, hidden=bool(hide))
              for c in sub.checks]
    return SubmissionPublic(id=sub.id, assignment=assignment.slug, status=sub.status, score=sub.score,
                            max_score=sub.max_score, grader_version=sub.grader_version, attempts=sub.attempts,
                            late=sub.late, error=sub.error, requested_at=sub.requested_at,
                            started_at=sub.started_at, finished_at=sub.finished_at, checks=checks)


def _may_read(session, user, assignment, sub):
    if sub.owner_id == user.id or user.role == 'admin':
        return True
    member = session.scalars(select(Membership).where(Membership.user_id == user.id,
                                                      Membership.course_id == assignment.course_id)).first()
    return member is not None and member.role == 'instructor'


@router.post('/assignments/{slug}/submissions', status_code=202)
async def upload(slug: str, request: Request, session: SessionDep, user: CurrentUser,
                 files: Annotated[list[UploadFile], File()] = None):
    settings = request.app.state.settings
    assignment = session.scalars(select(Assignment).where(Assignment.slug == slug)).first()
    if assignment is None:
        raise HTTPException(404, 'no assignment %r' % slug)
    received, total = [], 0
    for f in files or []:
        data = await f.read(settings.upload_max_request_bytes + 1)
        total += len(data)
        if total > settings.upload_max_request_bytes:
            raise HTTPException(413, 'the upload is larger than %d bytes' % settings.upload_max_request_bytes)
        received.append((f.filename or '', data))
    try:
        source = graded_source(received, settings.upload_max_file_bytes, settings.upload_max_request_bytes)
    except UploadError as exc:
        raise HTTPException(422, str(exc)) from None
    digest = Storage(settings.storage_dir).put(source)
    now = datetime.now(timezone.utc)
    sub = Submission(owner_id=user.id, assignment_id=assignment.id, content_sha256=digest, requested_at=now,
                     files=[{'name': 'convolutional_networks.py', 'sha256': digest, 'size': len(source)}],
                     late=bool(assignment.due_at and now > aware(assignment.due_at)))
    session.add(sub)
    session.commit()                                   # the row exists before the task is sent
    request.app.state.enqueue(sub.id)
    return {'id': sub.id, 'status': sub.status}


@router.get('/submissions/{submission_id}', response_model=SubmissionPublic)
def read(submission_id: int, session: SessionDep, user: CurrentUser):
    sub = session.get(Submission, submission_id)
    assignment = session.get(Assignment, sub.assignment_id) if sub else None
    if sub is None or not _may_read(session, user, assignment, sub):
        raise HTTPException(404, 'no submission %d' % submission_id)
    return _public(sub, assignment, datetime.now(timezone.utc))


@router.get('/me/submissions', response_model=SubmissionList)
def mine(session: SessionDep, user: CurrentUser):
    rows = session.scalars(select(Submission).where(Submission.owner_id == user.id)
                           .order_by(Submission.id.desc())).all()
    now = datetime.now(timezone.utc)
    data = [_public(s, session.get(Assignment, s.assignment_id), now) for s in rows]
    return SubmissionList(data=data, count=len(data))
