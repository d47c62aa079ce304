"""Every request body is bounded before anything parses it (a pure ASGI middleware, outside the routes).

An upload may carry upload_max_request_bytes plus its multipart framing (a course's similarity archive: its zip's
cap, app.courses.archive_files); any other request, signed in or not,
body_max_bytes. A Content-Length over the cap is answered 413 before the body is read; a body without one
(chunked) is counted as it streams and refused once past the cap. The answer closes the connection, so the
rest of the body is never read.
"""
import re

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.requests import Request

from app.courses.archive_files import MAX_ZIP_BYTES as MAX_ARCHIVE_ZIP_BYTES

UPLOAD_ROUTES = (re.compile(r'^/api/v1/assignments/[^/]+/submissions$'), re.compile(r'^/assignments/[^/]+/upload$'))
ARCHIVE_ROUTE = re.compile(r'^(/api/v1/courses/[^/]+/similarity-archive|/instructor/assignments/[^/]+/similarity/archive)$')
MULTIPART_FRAMING = 64 * 1024
CLOSE = {'Connection': 'close'}


class BodyTooLarge(HTTPException):
    """A streamed body went past its cap (raised by receive; answered by the app's handler, connection closed)."""
    def __init__(self, sentence):
        super().__init__(413, sentence, CLOSE)


def cap(settings, method, path):
    """(most bytes the request's body may have, the sentence that refuses more)."""
    if method == 'POST' and ARCHIVE_ROUTE.match(path):
        return MAX_ARCHIVE_ZIP_BYTES + MULTIPART_FRAMING, 'the archive is larger than %d bytes' % MAX_ARCHIVE_ZIP_BYTES
    if method == 'POST' and any(route.match(path) for route in UPLOAD_ROUTES):
        limit = settings.upload_max_request_bytes
        return limit + MULTIPART_FRAMING, 'the upload is larger than %d bytes' % limit
    return settings.body_max_bytes, 'the request body is larger than %d bytes' % settings.body_max_bytes


def declared_length(scope):
    """The Content-Length as an int, or None (absent, or not a number the server let through: the body is
    counted as it streams then)."""
    for name, value in scope['headers']:
        if name == b'content-length':
            return int(value) if value.isdigit() and len(value) < 20 else None
    return None


class BodyLimit:
    def __init__(self, app, settings):
        self.app, self.settings = app, settings

    async def __call__(self, scope, receive, send):
        if scope['type'] != 'http':
            return await self.app(scope, receive, send)
        limit, sentence = cap(self.settings, scope['method'], scope['path'])
        length = declared_length(scope)
        if length is not None and length > limit:
            return await refuse(scope, sentence)(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get('body', b''))
            if seen > limit:
                raise BodyTooLarge(sentence)
            return message
        await self.app(scope, counted, send)


def refuse(scope, sentence):
    """The 413 answer in the form of the route: JSON for the API, the error page for the pages."""
    if scope['path'].startswith('/api/'):
        return JSONResponse({'error': sentence}, status_code=413, headers=CLOSE)
    from app.web.common import render
    response = render(Request(scope), 'error.html', status_code=413, message=sentence, heading='Too large')
    response.headers.update(CLOSE)
    return response
