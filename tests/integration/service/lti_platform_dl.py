"""The test LMS's Deep Linking: the instructor adds the tool from the LMS, picks an assignment in the tool, and
the platform keeps the link the tool sends back (lti1p3platform checks its signature with the tool's JWKS).

  GET /course/add-tool?user=U   the LMS's "add an external tool" page: its link starts a deep linking launch
  POST /deep-link-return        the tool's LtiDeepLinkingResponse (form field JWT): its links join the course,
                                each with a line item (gradebook column) when the item asks for one"""
import html

import jwt
from fastapi import Request
from fastapi.responses import HTMLResponse

from tests.integration.service import lti_platform_ags

DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/'
DATA = 'lms-opaque-state-42'
# the login hints that start a deep linking launch -> the return URL sent (None: this LMS's own)
HINTS = {'deep-link': None, 'deep-link-insecure': 'http://lms.example/deep-link-return'}


def routes(app, lms):
    @app.get('/course/add-tool')
    def add_tool(user: str):
        return HTMLResponse('<!doctype html><title>Add a tool</title><h1>Add an external tool</h1><ul>%s</ul>' % ''.join(
            '<li><a href="/launch?user=%s&amp;link=%s">Grader (%s)</a></li>' % (html.escape(user), hint, hint)
            for hint in HINTS))

    @app.post('/deep-link-return')
    async def deep_link_return(request: Request):
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        try:
            items = lms.platform().validate_deeplinking_resp(form)
            sent = jwt.decode(form['JWT'], options={'verify_signature': False})     # checked just above
        except Exception as exc:  # the library raises several kinds; each is a refused answer
            return HTMLResponse('<h1>Refused</h1><p>%s</p>' % html.escape(str(exc)[:200]), status_code=400)
        problems = [name for name, value, expected in (
            ('aud', sent.get('aud'), lms.settings['issuer']), ('iss', sent.get('iss'), lms.settings['client_id']),
            ('data', sent.get(DL + 'data'), DATA)) if value != expected]
        if problems:
            return HTMLResponse('<h1>Refused</h1><p>wrong %s</p>' % ', '.join(problems), status_code=400)
        for item in items:
            with lms.lock:
                links = lms.state.setdefault('links', {})
                link = 'dl-%d' % (len(links) + 1)
                links[link] = (item.get('title') or 'Untitled', item.get('custom') or {})
            if isinstance(item.get('lineItem'), dict):       # a gradebook column for the link, as LMSs make
                lti_platform_ags.add_lineitem(lms, dict(item['lineItem'], resourceLinkId=link))
        titles = ', '.join(html.escape(item.get('title') or 'Untitled') for item in items)
        return HTMLResponse('<!doctype html><title>Added</title><h1>Added: %s</h1>' % titles)


def claims(launch, preflight, lms):
    hint = preflight.get('lti_message_hint')
    if hint in HINTS:
        launch.set_dl(HINTS[hint] or lms.url('/deep-link-return'), title='Convnet grader',
                      accept_types={'ltiResourceLink'}, extra_data=DATA)
