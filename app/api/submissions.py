"""Submissions: upload (202 + id), read one (own only, instructors their course), list mine, results.json."""
import hashlib
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select

from app.access import assignment_or_404, course_role, is_instructor
from app.db import aware
from app.deps import CurrentUser, SessionDep
from app.dispatch import requeue
from app.models import Assignment, Submission
from app.results import details_hidden, gradescope_json, public
from app.schemas import SubmissionList, SubmissionPublic
from app.storage import Storage
from app.throttle import describe_wait, take
from app.uploads import GRADED_FILE, UploadError, graded_source

router = APIRouter(tags=['submissions'])


async def _read_files(files, max_request):
    received, total = [], 0
    for f in files or []:
        data = await f.read(max_request + 1)
        total += len(data)
        if total > max_request:
            raise HTTPException(413, 'the upload is larger than %d bytes' % max_request)
        received.append((f.filename or '', data))
    return received


def _spend_upload_token(session, user, assignment):
    wait = take(session, 'upload:%d:%d' % (user.id, assignment.id), assignment.rate_limit_burst,
                assignment.rate_limit_per_hour / 3600.0)
    if wait:
        session.rollback()
        raise HTTPException(429, 'too many submissions: %s allows %d at once and %d per hour; try again in %s'
                            % (assignment.slug, assignment.rate_limit_burst, assignment.rate_limit_per_hour,
                               describe_wait(wait)), {'Retry-After': str(max(1, int(wait + 0.999)))})


@router.post('/assignments/{slug}/submissions', status_code=202)
async def upload(slug: str, request: Request, session: SessionDep, user: CurrentUser,
                 files: Annotated[list[UploadFile], File()] = None):
    settings = request.app.state.settings
    assignment = assignment_or_404(session, slug)
    role = course_role(session, user, assignment.course_id)
    if role is None:
        raise HTTPException(403, 'you are not enrolled in the course of %s' % slug)
    now = datetime.now(timezone.utc)
    if role == 'student' and assignment.late_due_at and now > aware(assignment.late_due_at):
        raise HTTPException(403, '%s closed on %s' % (slug, aware(assignment.late_due_at).isoformat()))
    try:
        source = graded_source(await _read_files(files, settings.upload_max_request_bytes),
                               settings.upload_max_file_bytes, settings.upload_max_request_bytes)
    except UploadError as exc:
        raise HTTPException(422, str(exc)) from None
    digest = hashlib.sha256(source).hexdigest()
    same = session.scalars(select(Submission).where(
        Submission.owner_id == user.id, Submission.assignment_id == assignment.id,
        Submission.content_sha256 == digest, Submission.status != 'error')).first()
    if same is not None:                               # the same file again: no new row, no token spent
        return JSONResponse({'id': same.id, 'status': same.status, 'duplicate': True}, status_code=200)
    if role == 'student':
        _spend_upload_token(session, user, assignment)
    Storage(settings.storage_dir).put(source)
    sub = Submission(owner_id=user.id, assignment_id=assignment.id, content_sha256=digest, requested_at=now,
                     files=[{'name': GRADED_FILE, 'sha256': digest, 'size': len(source)}],
                     late=bool(assignment.due_at and now > aware(assignment.due_at)))
    session.add(sub)
    session.flush()
    requeue(session, [sub], {assignment.id: assignment}, settings, request.app.state.enqueue)
    return JSONResponse({'id': sub.id, 'status': sub.status, 'duplicate': False}, status_code=202,
                        headers={'Location': '/api/v1/submissions/%d' % sub.id})


def _readable(session, user, submission_id):
    sub = session.get(Submission, submission_id)
    assignment = session.get(Assignment, sub.assignment_id) if sub else None
    if sub is None or (sub.owner_id != user.id and not is_instructor(session, user, assignment.course_id)):
        raise HTTPException(404, 'no submission %d' % submission_id)
    return sub, assignment


@router.get('/submissions/{submission_id}', response_model=SubmissionPublic)
def read(submission_id: int, session: SessionDep, user: CurrentUser):
    sub, assignment = _readable(session, user, submission_id)
    return public(sub, assignment, is_instructor(session, user, assignment.course_id))


@router.get('/submissions/{submission_id}/gradescope')
def gradescope(submission_id: int, session: SessionDep, user: CurrentUser):
    """The graded submission as Gradescope's results.json."""
    sub, assignment = _readable(session, user, submission_id)
    if sub.status != 'graded':
        raise HTTPException(409, 'submission %d is not graded yet (status %s)' % (sub.id, sub.status))
    if details_hidden(assignment, is_instructor(session, user, assignment.course_id)):
        raise HTTPException(403, 'the check details of %s are shown after the due date' % assignment.slug)
    return Response(gradescope_json(sub, assignment), media_type='application/json')


@router.get('/me/submissions', response_model=SubmissionList)
def mine(session: SessionDep, user: CurrentUser):
    rows = session.scalars(select(Submission).where(Submission.owner_id == user.id)
                           .order_by(Submission.id.desc())).all()
    assignments = {a.id: a for a in session.scalars(select(Assignment).where(
        Assignment.id.in_({s.assignment_id for s in rows})))}
    data = [public(s, assignments[s.assignment_id], False) for s in rows]
    return SubmissionList(data=data, count=len(data))
