"""Reading a multipart body, shared by the REST routes and the pages: only once the caller was checked, with the
session's connection given back while the body arrives (a slow client holds none), bounded as it is read."""
from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool

from app.courses.skeletons import MAX_BYTES as MAX_SKELETON_BYTES

MAX_PARTS = 10


async def read_upload(request, session, max_request):
    """(the form, [(name, bytes)] of its field "files"). Called only once the caller may upload: the body is
    not parsed before (app.http.bodylimit bounds it); 413 past max_request, 422 for a text field named files.
    The session's connection goes back to the pool while the body arrives (a slow client holds none)."""
    await run_in_threadpool(session.commit)
    form = await request.form(max_files=MAX_PARTS, max_fields=MAX_PARTS)
    received, total = [], 0
    for f in form.getlist('files'):
        if isinstance(f, str):
            raise HTTPException(422, 'the field "files" holds text: send the files as files (multipart)')
        data = await f.read(max_request + 1)
        total += len(data)
        if total > max_request:
            raise HTTPException(413, 'the upload is larger than %d bytes' % max_request)
        received.append((f.filename or '', data))
    return form, received


async def read_skeleton(request, session):
    """The bytes of the form's field "file" (the caller was checked before: the body is read only now);
    413 past MAX_SKELETON_BYTES, 422 without a file. Returns (form, bytes)."""
    await run_in_threadpool(session.commit)
    form = await request.form(max_files=1, max_fields=4)
    upload = form.get('file')
    if upload is None or isinstance(upload, str):
        raise HTTPException(422, 'send the skeleton file as the multipart field "file"')
    data = await upload.read(MAX_SKELETON_BYTES + 1)
    if len(data) > MAX_SKELETON_BYTES:
        raise HTTPException(413, 'the skeleton is larger than %d bytes' % MAX_SKELETON_BYTES)
    return form, data
