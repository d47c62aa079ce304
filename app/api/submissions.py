"""Submissions: upload (202 + id), read one (own only, instructors their course), list mine, results.json,
the graded file as it was stored."""
from datetime import datetime, timezone

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from sqlalchemy import select

from app.accounts.access import find_assignment, is_instructor, readable_submission
from app.api.schemas import SubmissionList, SubmissionPublic, submission_public
from app.core.models import Assignment, Submission
from app.core.storage import open_storage
from app.courses.terms import terms_for
from app.grading.progress import shown_checks
from app.grading.submit import accept, admit
from app.grading.waiting import queue_wait
from app.http.deps import CurrentUser, SessionDep
from app.http.forms import read_upload
from app.reports import similarity_store
from app.reports.changes import since_last
from app.reports.feedback import details_hidden, gradescope_json, reproducers

router = APIRouter(tags=['submissions'])
UPLOAD_BODY = {'requestBody': {'required': True, 'content': {'multipart/form-data': {'schema': {
    'type': 'object', 'required': ['files'],
    'properties': {'files': {'type': 'array', 'items': {'type': 'string', 'format': 'binary'}}}}}}}}


@router.post('/assignments/{slug}/submissions', status_code=202, openapi_extra=UPLOAD_BODY)
async def upload(slug: str, request: Request, session: SessionDep, user: CurrentUser):
    """Multipart field "files" (the .py or a .zip). The caller and their right to upload are checked before
    the body is read."""
    settings = request.app.state.settings
    assignment = await run_in_threadpool(find_assignment, session, slug)     # SQL never blocks the event loop
    await run_in_threadpool(admit, session, user, assignment, datetime.now(timezone.utc))
    _, received = await read_upload(request, session, settings.upload_max_request_bytes)
    sub, duplicate = await run_in_threadpool(accept, session, settings, request.app.state.send_grading, user,
                                             assignment, received)
    if not duplicate:
        await run_in_threadpool(similarity_store.send, request.app.state.send_similarity, assignment.id)
    if duplicate:
        return JSONResponse({'id': sub.id, 'status': sub.status, 'duplicate': True}, status_code=200)
    return JSONResponse({'id': sub.id, 'status': sub.status, 'duplicate': False}, status_code=202,
                        headers={'Location': '/api/v1/submissions/%d' % sub.id})


@router.get('/submissions/{submission_id}', response_model=SubmissionPublic)
def read(submission_id: int, session: SessionDep, user: CurrentUser):
    """While running: the checks decided so far and the components still to decide (`pending`); while queued:
    `queue_position` and `estimated_start_s`."""
    sub, assignment = readable_submission(session, user, submission_id)
    terms = terms_for(session, assignment, sub.owner_id)
    instructor = is_instructor(session, user, assignment.course_id)
    hide = details_hidden(assignment, terms, instructor)
    checks = shown_checks(session, sub)
    return submission_public(sub, assignment, terms, instructor, checks, queue_wait(session, sub),
                             since_last=since_last(session, sub, hide),
                             reproducers=reproducers(checks, assignment, hide))


@router.get('/submissions/{submission_id}/gradescope')
def gradescope(submission_id: int, session: SessionDep, user: CurrentUser):
    """The graded submission as Gradescope's results.json."""
    sub, assignment = readable_submission(session, user, submission_id)
    if sub.status != 'graded':
        raise HTTPException(409, 'submission %d is not graded yet (status %s)' % (sub.id, sub.status))
    if details_hidden(assignment, terms_for(session, assignment, sub.owner_id),
                      is_instructor(session, user, assignment.course_id)):
        raise HTTPException(403, 'the check details of %s are shown after the due date' % assignment.slug)
    return Response(gradescope_json(sub, assignment), media_type='application/json')


@router.get('/submissions/{submission_id}/file')
def graded_file(submission_id: int, request: Request, session: SessionDep, user: CurrentUser):
    """The file that was graded (the .py, taken out of a zip), as a download: never rendered by the browser."""
    sub, _ = readable_submission(session, user, submission_id)
    data = open_storage(request.app.state.settings, session).get(sub.content_sha256)
    name = sub.files[0]['name'] if sub.files else 'convolutional_networks.py'
    return Response(data, media_type='text/x-python; charset=utf-8', headers={
        'Content-Disposition': 'attachment; filename="%s"' % name.replace('"', ''),
        'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'; sandbox"})


@router.get('/me/submissions', response_model=SubmissionList)
def mine(session: SessionDep, user: CurrentUser):
    rows = session.scalars(select(Submission).where(Submission.owner_id == user.id)
                           .order_by(Submission.id.desc())).all()
    assignments = {a.id: a for a in session.scalars(select(Assignment).where(
        Assignment.id.in_({s.assignment_id for s in rows})))}
    terms = {a.id: terms_for(session, a, user.id) for a in assignments.values()}
    data = [submission_public(s, assignments[s.assignment_id], terms[s.assignment_id], False, shown_checks(session, s))
            for s in rows]
    return SubmissionList(data=data, count=len(data))
