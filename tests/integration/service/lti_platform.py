"""A small LMS for the LTI tests: lti1p3platform's classes (a real LTI 1.3 platform implementation) behind a
FastAPI app of ours, served by uvicorn in its own process on loopback.

  GET /course?user=U            the course page of user U (login_hint), with its links to the grader (LINKS and
                                those added by deep linking, lms.links())
  GET /course-framed?user=U&link=L  a link (link-1 unless L) shown inside an iframe
  GET /launch?user=U&link=L     OIDC login initiation: the browser goes to the tool's login URL
  GET /authorize                the platform's OIDC authorization endpoint: signs the id_token, auto-posts it
  GET /jwks                     the platform's public key
  POST /token                   OAuth 2 client-credentials grant with the tool's signed assertion (LTI Advantage)
  POST /test/tamper?kind=K      the next launch's id_token, still signed by this platform, is meant for another
                                tool (K=aud) or expired ten minutes ago (K=expired)

The extension modules (lti_platform_ags, lti_platform_nrps, lti_platform_dl) add the Advantage services' routes
and launch claims; each has routes(app, lms) and claims(launch, preflight, lms).

Environment: LMS_ISSUER, LMS_CLIENT_ID, LMS_DEPLOYMENT, LMS_TOOL (the tool's base URL)."""
import html
import os
import threading

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from starlette.responses import RedirectResponse

from tests.integration.service import lti_platform_ags, lti_platform_dl, lti_platform_nrps

LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'
INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'
USERS = {'student': ('lms-student-1', 'Sam Learner', [LEARNER]),
         'teacher': ('lms-teacher-1', 'Tess Teacher', [INSTRUCTOR])}
LINKS = {'link-1': ('Convolutional networks', {'assignment': 'convnet'})}
CONTEXT = ('ctx-1', 'Deep learning 2027')
CLIENT_ID, DEPLOYMENT_ID = 'grader-client', 'dep-1'          # what the tests give it and register
EXTENSIONS = (lti_platform_ags, lti_platform_nrps, lti_platform_dl)


class Platform(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **settings):
        self._registration = (Registration().set_iss(settings['issuer']).set_client_id(settings['client_id'])
                              .set_deployment_id(settings['deployment'])
                              .set_launch_url(settings['tool'] + '/lti/launch')
                              .set_deeplink_launch_url(settings['tool'] + '/lti/launch')
                              .set_oidc_login_url(settings['tool'] + '/lti/login')
                              .set_tool_key_set_url(settings['tool'] + '/lti/jwks')
                              .set_platform_public_key(settings['public_pem'])
                              .set_platform_private_key(settings['private_pem']))

    def get_registration_by_params(self, **kwargs):
        return self._registration


class Login(OIDCLoginAbstract):
    """FastAPI adapter of the library's login initiation: a plain redirect."""

    def set_lti_message_hint(self, **kwargs):
        self._lti_message_hint = kwargs['link']

    def get_redirect(self, url):
        return RedirectResponse(url, status_code=302)


class Lms:
    """The platform's settings and its mutable state (gradebook, links, roster), shared by its routes."""

    def __init__(self, settings):
        self.settings, self.state, self.lock = settings, {}, threading.Lock()

    def platform(self):
        platform = Platform(**self.settings)
        platform.get_registration()
        return platform

    def links(self):
        """The course's links: LINKS and those added by deep linking."""
        with self.lock:
            return dict(LINKS, **self.state.get('links', {}))

    def url(self, path):
        return self.settings['issuer'].rstrip('/') + path


class Launch(LTIAdvantageMessageLaunchAbstract):
    """FastAPI adapter of the library's launch: the authorization request's query, an auto-posting form."""

    def __init__(self, request, platform, lms):
        super().__init__(request, platform)
        self.lms = lms

    def get_preflight_response(self):
        return dict(self._request.query_params)

    def prepare_launch(self, preflight):
        sub, name, roles = USERS[preflight['login_hint']]
        link = preflight['lti_message_hint']
        self.set_user_data(sub, roles, full_name=name)
        self.set_launch_context_claim(CONTEXT[0], context_title=CONTEXT[1])
        if link in self.lms.links():                     # a deep linking launch names no link
            title, custom = self.lms.links()[link]
            self.set_resource_link_claim(link, title=title)
            self.set_custom_parameters_claim(custom)
        self.set_launch_presentation_claim(document_target='window')
        for extension in EXTENSIONS:
            extension.claims(self, preflight, self.lms)
        with self.lms.lock:
            tamper = self.lms.state.pop('tamper', None)
        if tamper == 'aud':
            self.set_extra_claims({'aud': 'another-tool', 'azp': 'another-tool'})
        elif tamper == 'expired':
            self.set_id_token_expiration(-600)

    def render_launch_form(self, launch_data, **kwargs):
        fields = ''.join('<input type="hidden" name="%s" value="%s">' % (k, html.escape(launch_data[k]))
                         for k in ('id_token', 'state'))
        return HTMLResponse('<!doctype html><title>Launching</title><form id="f" method="post" action="%s">%s'
                            '</form><script>document.getElementById("f").submit()</script>'
                            % (html.escape(launch_data['launch_url']), fields))


def create_app(issuer, client_id, deployment, tool):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings = dict(issuer=issuer, client_id=client_id, deployment=deployment, tool=tool.rstrip('/'),
                    private_pem=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()).decode(),
                    public_pem=key.public_key().public_bytes(serialization.Encoding.PEM,
                                                             serialization.PublicFormat.SubjectPublicKeyInfo).decode())
    lms = Lms(settings)
    app = FastAPI()

    @app.get('/course')
    def course(user: str):
        links = ''.join('<li><a href="/launch?user=%s&amp;link=%s">%s</a></li>' % (user, link, html.escape(title))
                        for link, (title, _) in lms.links().items())
        return HTMLResponse('<!doctype html><title>%s</title><h1>%s</h1><ul>%s</ul>' % (CONTEXT[1], CONTEXT[1], links))

    @app.get('/course-framed')
    def course_framed(user: str, link: str = 'link-1'):
        """The LMS showing a link (or its deep linking dialog: link=deep-link) inside its own page (an iframe), as
        LMSs do by default."""
        return HTMLResponse('<!doctype html><title>%s</title><h1>%s</h1><iframe title="tool" width="800" height="500"'
                            ' src="/launch?user=%s&amp;link=%s"></iframe>' % (CONTEXT[1], CONTEXT[1],
                                                                            html.escape(user), html.escape(link)))

    @app.get('/launch')
    def launch(request: Request, user: str, link: str):
        login = Login(request, Platform(**settings))
        login.set_lti_message_hint(link=link)
        return login.initiate_login(user)

    @app.get('/authorize')
    def authorize(request: Request):
        return Launch(request, Platform(**settings), lms).lti_launch()

    @app.get('/jwks')
    def jwks():
        return lms.platform().get_jwks()

    @app.post('/test/tamper')
    def tamper(kind: str):
        with lms.lock:
            lms.state['tamper'] = kind
        return {'ok': True}

    @app.post('/token')
    async def token(request: Request):
        form = dict(await request.form())
        try:
            return lms.platform().get_access_token(form)
        except Exception as exc:  # the library raises several kinds; each is a refused grant
            return JSONResponse({'error': 'invalid_grant', 'error_description': str(exc)[:200]}, status_code=400)

    for extension in EXTENSIONS:
        extension.routes(app, lms)
    return app


def registered_urls(issuer):
    """(login, token, JWKS) URLs of the platform at issuer (http://localhost:P) as the grader registers them; its
    keys are fetched on 127.0.0.1."""
    return issuer + '/authorize', issuer + '/token', issuer.replace('localhost', '127.0.0.1') + '/jwks'


def app_from_env():
    return create_app(os.environ['LMS_ISSUER'], os.environ['LMS_CLIENT_ID'], os.environ['LMS_DEPLOYMENT'],
                      os.environ['LMS_TOOL'])
