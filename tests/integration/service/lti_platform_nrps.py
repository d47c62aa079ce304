"""The test LMS's Names and Role Provisioning Services: the course roster.

  GET /memberships?page=N   the membership container, PAGE_SIZE members a page, Link rel="next"; needs a Bearer
                            token of the platform with the NRPS scope (401 otherwise)
  POST /test/members        test only: {"add": [member], "remove": [user_id], "mode": M} changes the roster;
                            M (None: honest) makes the answers hostile: see HOSTILE"""
import json

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly'
CONTAINER = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json'
PAGE_SIZE = 2
BAD_MEMBERS = [7, {'user_id': 5, 'roles': ['Learner']}, {'user_id': 'x' * 300, 'roles': ['Learner']},
               {'user_id': 'bad-roles', 'roles': 'Learner'}, {'user_id': 'bad-name', 'roles': [], 'name': 'n' * 300},
               {'user_id': 'bad-status', 'roles': ['Learner'], 'status': 'Gone'},
               {'user_id': 'bad-email', 'roles': ['Learner'], 'email': ['a@b.c']}]
HOSTILE = ('endless', 'many', 'offsite', 'redirect', 'bad', 'other-course', 'not-json', 'down')


def _roster(lms):
    from tests.integration.service.lti_platform import USERS
    state = lms.state.setdefault('nrps', {'extra': [], 'removed': set(), 'mode': None})
    members = [{'user_id': sub, 'name': name, 'roles': roles, 'status': 'Active'}
               for sub, name, roles in USERS.values() if sub not in state['removed']]
    members += [m for m in state['extra'] if m['user_id'] not in state['removed']]
    if state['mode'] == 'bad':
        members = BAD_MEMBERS + members
    return members, state['mode']


def _authorized(request, lms):
    auth = request.headers.get('authorization', '')
    try:
        return auth.startswith('Bearer ') and lms.platform().validate_token(auth[7:], allowed_scopes=[SCOPE])
    except Exception:            # the library raises several kinds for a bad token
        return False


def _page(lms, members, mode, page):
    from tests.integration.service.lti_platform import CONTEXT
    url = lms.url('/memberships')
    if mode == 'many':
        members = [{'user_id': 'm%d-%d' % (page, i), 'roles': ['Learner']} for i in range(10001)]
        more = True
    else:
        members, more = members[page * PAGE_SIZE:(page + 1) * PAGE_SIZE], (page + 1) * PAGE_SIZE < len(members)
    body = {'id': url, 'context': {'id': 'ctx-other' if mode == 'other-course' else CONTEXT[0],
                                   'title': CONTEXT[1]}, 'members': members}
    headers = {}
    if more or mode == 'endless':
        headers['Link'] = '<%s?page=%d>; rel="next"' % (url, page + 1)
    if mode == 'offsite' and page == 0:
        headers['Link'] = '<http://lms.example.com/memberships?page=1>; rel="next"'
    content = b'{"members": [' if mode == 'not-json' else json.dumps(body).encode()
    return content, headers


def routes(app, lms):
    @app.get('/memberships')
    def memberships(request: Request, page: int = 0):
        if not _authorized(request, lms):
            return JSONResponse({'error': 'a Bearer token with the NRPS scope is needed'}, status_code=401)
        with lms.lock:
            members, mode = _roster(lms)
        if mode == 'down':
            return JSONResponse({'error': 'maintenance'}, status_code=503)
        if mode == 'redirect':
            return RedirectResponse(lms.url('/memberships?page=%d' % page), status_code=302)
        content, headers = _page(lms, members, mode, page)
        return Response(content, media_type=CONTAINER, headers=headers)

    @app.post('/test/members')
    async def change(request: Request):
        asked = await request.json()
        with lms.lock:
            state = lms.state.setdefault('nrps', {'extra': [], 'removed': set(), 'mode': None})
            for m in asked.get('add', []):
                state['extra'] = [e for e in state['extra'] if e['user_id'] != m['user_id']] + [m]
                state['removed'].discard(m['user_id'])
            state['removed'].update(asked.get('remove', []))
            if asked.get('mode') not in HOSTILE + (None,):
                return JSONResponse({'error': 'unknown mode'}, status_code=400)
            state['mode'] = asked.get('mode', state['mode'])
        return {'ok': True}


def claims(launch, preflight, lms):
    """The launch names the course's roster URL."""
    launch.set_nrps(lms.url('/memberships'))
