"""create_app(): the FastAPI application (REST under /api/v1, the pages, health checks, errors as JSON or a page).

Served as `uvicorn app.main:app_from_env --factory`."""
import os
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.exceptions import HTTPException as AnyHTTPException

from app.api import auth, exports, extensions, regrade, similarity, skeleton, submissions
from app.core.config import get_settings
from app.core.db import make_engine, make_sessionmaker
from app.core.errors import DomainError
from app.grading.sender import Sender
from app.http.bodylimit import BodyLimit
from app.http.errors import as_http
from app.lti.jwks import KeyCache
from app.web import (account, instructor, lti_admin_pages, lti_deep_link_pages, lti_grade_pages, lti_pages,
                     lti_roster_pages, similarity_pages, student)
from app.web.common import SignInRequired, render

# Every router, mounted by create_app: the REST API under /api/v1, the pages at the root (docs/howto-app.md).
API_ROUTERS = (auth.router, submissions.router, exports.router, regrade.router, extensions.router, skeleton.router,
               similarity.router)
PAGE_ROUTERS = (student.router, instructor.router, account.router, similarity_pages.router, lti_pages.router,
                lti_deep_link_pages.router, lti_admin_pages.router, lti_grade_pages.router, lti_roster_pages.router)
HEADINGS = {401: 'Please sign in', 403: 'Not for you', 404: 'Not found', 409: 'Not yet', 413: 'Too large',
            410: 'Expired', 422: 'Not accepted', 429: 'Slow down'}


def create_app(settings=None, send_grading=None, send_preview=None, send_similarity=None):
    """send_grading(submission_id, queue), send_preview(item_id, queue) and send_similarity(assignment_id, full)
    put a task on the broker; by default app.grading.sender sends them by name to the settings' broker (tests
    may pass stand-ins)."""
    settings = settings or get_settings()
    app = FastAPI(title='convnet-autograder', version='0.1.0')
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.sessionmaker = make_sessionmaker(app.state.engine)
    sender = Sender(settings.broker_url)
    app.state.send_grading = send_grading or sender.grading
    app.state.send_preview = send_preview or sender.preview
    app.state.send_similarity = send_similarity or sender.similarity
    app.state.send_lti_score = sender.lti_score              # grade passback to LMSs (app.lti.passback)
    app.state.send_task = sender.send                  # other tasks by name (the LTI services')
    app.state.lti_keys = KeyCache()                      # the LTI platforms' public keys, cached (app.lti.jwks)
    for router in API_ROUTERS:
        app.include_router(router, prefix='/api/v1')
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.mount('/static', StaticFiles(directory=os.path.join(os.path.dirname(__file__), 'web', 'static')), name='static')
    app.add_middleware(BodyLimit, settings=settings)

    @app.exception_handler(AnyHTTPException)             # FastAPI's and Starlette's own (body parsing, 404, 405)
    async def http_error(request: Request, exc: AnyHTTPException):
        return error_answer(request, exc)

    @app.exception_handler(DomainError)                  # refused by the rules (app.core.errors)
    async def domain_error(request: Request, exc: DomainError):
        return error_answer(request, as_http(exc))

    def error_answer(request, exc):
        if request.url.path.startswith('/api/'):
            return JSONResponse({'error': exc.detail}, status_code=exc.status_code, headers=exc.headers)
        response = render(request, 'error.html', status_code=exc.status_code, message=exc.detail,
                          heading=HEADINGS.get(exc.status_code, 'Something went wrong'))
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(SignInRequired)
    async def sign_in(request: Request, exc: SignInRequired):
        return RedirectResponse('/login?next=' + quote(request.url.path), status_code=303)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        where = '; '.join('%s: %s' % ('.'.join(str(p) for p in e['loc']), e['msg']) for e in exc.errors())
        return JSONResponse({'error': 'invalid request: ' + where}, status_code=422)

    @app.get('/healthz')
    def healthz():
        return {'status': 'ok'}

    @app.get('/readyz')
    def readyz():
        problems = {}
        try:
            with app.state.engine.connect() as conn:
                conn.execute(text('SELECT 1'))
        except Exception as exc:
            problems['database'] = str(exc)[:200]
        try:
            import redis
            redis.Redis.from_url(settings.broker_url, socket_timeout=2).ping()
        except Exception as exc:
            problems['broker'] = str(exc)[:200]
        if problems:
            return JSONResponse({'status': 'unavailable', 'problems': problems}, status_code=503)
        return {'status': 'ok'}

    return app


def app_from_env():
    return create_app()
