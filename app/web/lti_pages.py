"""LTI 1.3 routes: /lti/login (OIDC initiation, GET or POST), /lti/launch (the platform's form post of the
id_token), /lti/jwks (the tool's public keys). The checks live in app.lti; this module only answers."""
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from app.accounts.signin import issue_token
from app.http.deps import COOKIE
from app.lti import keys, launch, login
from app.lti.errors import LaunchRefused

from .common import render

router = APIRouter(include_in_schema=False)
log = logging.getLogger('app.lti')


def tool_base(request):
    """The grader's public base URL (AG_PUBLIC_URL, else what this request was sent to)."""
    return request.app.state.settings.public_url.rstrip('/') or str(request.base_url).rstrip('/')


def refused(request, exc):
    log.info('LTI request refused (%s): %s', exc.kind, exc.message)
    return render(request, 'lti_error.html', status_code=exc.status_code, kind=exc.kind, message=exc.message,
                  relaunch=exc.relaunch)


@router.api_route('/lti/login', methods=['GET', 'POST'])
async def lti_login(request: Request):
    params = dict(request.query_params) if request.method == 'GET' else dict(await request.form())
    if request.headers.get('sec-fetch-dest') == 'iframe':          # the LMS shows the grader inside its page
        kept = {k: v for k, v in params.items() if k in login.PARAMS and isinstance(v, str) and len(v) <= 4096}
        return render(request, 'lti_new_window.html', relaunch=kept)

    def start():
        with request.app.state.sessionmaker() as session:
            return login.start(session, params, tool_base(request))
    try:
        url, state = await run_in_threadpool(start)
    except LaunchRefused as exc:
        return refused(request, exc)
    response = RedirectResponse(url, status_code=302)
    # SameSite=None: the platform posts the launch back from its own site; browsers keep such cookies only
    # when Secure (over HTTPS, or http on localhost)
    response.set_cookie(login.cookie_name(state), state, max_age=int(login.STATE_LIFETIME.total_seconds()),
                        httponly=True, samesite='none', secure=True)
    return response


@router.post('/lti/launch')
async def lti_launch(request: Request):
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    settings = request.app.state.settings

    def finish():
        with request.app.state.sessionmaker() as session:
            user, target = launch.finish(session, form, request.cookies, request.app.state.lti_keys)
            return target, issue_token(session, settings, user)
    try:
        target, token = await run_in_threadpool(finish)          # the JWKS fetch and SQL block: a thread
    except LaunchRefused as exc:
        return refused(request, exc)
    # a page, not a redirect: the redirect of a cross-site post would not carry the SameSite=Strict session
    # cookie; this page's own navigation (same site) does
    response = render(request, 'lti_continue.html', target=target)
    response.set_cookie(COOKIE, token, max_age=settings.token_lifetime_s, httponly=True, samesite='strict',
                        secure=settings.cookie_secure)
    response.delete_cookie(login.cookie_name(form.get('state', '')), samesite='none', secure=True)
    return response


@router.get('/lti/jwks')
def lti_jwks(request: Request):
    with request.app.state.sessionmaker() as session:
        return JSONResponse(keys.public_jwks(session), headers={'Cache-Control': 'public, max-age=300'})
