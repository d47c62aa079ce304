"""LTI 1.3 launches over HTTP against the real service (uvicorn), with a platform's key served as a JWKS on
loopback and id_tokens signed here: a good launch signs in and opens the assignment; each tampered or misdirected
launch gets a page that says why, and changes nothing."""
import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import func, select

from app.core.models import Assignment, AuditEvent, Membership, User
from app.lti.tables import LtiAccount, LtiContext, LtiLoginState, LtiResourceLink
from tests.helpers.loopback import http_server
from tests.helpers.lti import INSTRUCTOR, PlatformKey, launch_claims
from tests.integration.service.helpers import admin, sessions

ISS, CLIENT = 'https://lms.example', 'client-7'
KEY = PlatformKey()
REFUSED = 'The launch from your LMS was refused'


@pytest.fixture
def jwks_url():
    """The platform's public keys, served by a small HTTP server on loopback (as the LMS serves them)."""
    with http_server({'/jwks': json.dumps({'keys': [KEY.jwk]}).encode()}) as base:
        yield base + '/jwks'


@pytest.fixture
def lms(api, service_env, jwks_url):
    """The service with the platform registered (deployment dep-1) and context ctx-1 linked to the demo course."""
    url = service_env['AG_DATABASE_URL']
    rc, _, err = admin(url, 'lti-register', ISS, CLIENT, '--login-url', 'https://lms.example/auth?x=1',
                       '--token-url', 'https://lms.example/token', '--jwks-url', jwks_url, '--deployment', 'dep-1')
    assert rc == 0, err
    assert admin(url, 'lti-link-course', ISS, 'ctx-1', 'demo')[0] == 0
    return api


def login(base, **params):
    """/lti/login as the LMS sends the browser there -> (response, state, nonce, the state cookie header)."""
    query = dict(iss=ISS, login_hint='u-1', target_link_uri=base + '/lti/launch', client_id=CLIENT)
    query.update(params)
    r = httpx.get(base + '/lti/login', params=query)
    if r.status_code != 302:
        return r, None, None, None
    sent = parse_qs(urlsplit(r.headers['location']).query)
    cookie = r.headers['set-cookie'].split(';')[0]
    return r, sent['state'][0], sent['nonce'][0], cookie


def launch(base, token, state, cookie):
    return httpx.post(base + '/lti/launch', data={'id_token': token, 'state': state},
                      headers={'Cookie': cookie} if cookie else {})


def count(env, model):
    with sessions(env)() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_launch_signs_in_and_opens_the_assignment(lms, service_env):
    r, state, nonce, cookie = login(lms)
    location = urlsplit(r.headers['location'])
    sent = parse_qs(location.query)
    assert (location.netloc, location.path, sent['x'], sent['redirect_uri'], sent['response_mode']) == (
        'lms.example', '/auth', ['1'], [lms + '/lti/launch'], ['form_post'])
    assert 'SameSite=none' in r.headers['set-cookie'] and 'Secure' in r.headers['set-cookie']
    token = KEY.sign(launch_claims(ISS, CLIENT, nonce, sub='lms-user-1', **{
        'https://purl.imsglobal.org/spec/lti/claim/custom': {'assignment': 'convnet'},
        'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {'lineitem': 'https://lms.example/li/9'},
        'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': {
            'context_memberships_url': 'https://lms.example/ctx-1/members', 'service_versions': ['2.0']}}))
    r = launch(lms, token, state, cookie)
    assert r.status_code == 200 and 'href="/assignments/convnet"' in r.text, r.text[-800:]
    session_cookie = r.cookies['ag_session']
    page = httpx.get(lms + '/assignments/convnet', cookies={'ag_session': session_cookie})
    assert page.status_code == 200 and 'Convolutional networks (EECS 498)' in page.text
    with sessions(service_env)() as session:
        link = session.scalars(select(LtiAccount).where(LtiAccount.sub == 'lms-user-1')).one()
        user = session.get(User, link.user_id)
        assert user.email.endswith('.lti.invalid') and user.name == 'Ada Lovelace'
        assert session.scalars(select(Membership.role).where(Membership.user_id == user.id)).all() == ['student']
        link = session.scalars(select(LtiResourceLink)).one()              # what grade passback will need
        context = session.get(LtiContext, link.context_id)
        convnet = session.scalars(select(Assignment.id).where(Assignment.slug == 'convnet')).one()
        assert (link.resource_link_id, link.lineitem_url, link.assignment_id) == (
            'link-1', 'https://lms.example/li/9', convnet)                 # the link keeps the assignment it opened
        assert (context.title, context.memberships_url) == ('Deep learning', 'https://lms.example/ctx-1/members')
    # the same person again, now an instructor in the LMS: the same account, the role follows the LMS
    r, state, nonce, cookie = login(lms)
    r = launch(lms, KEY.sign(launch_claims(ISS, CLIENT, nonce, sub='lms-user-1', roles=[INSTRUCTOR], link='link-2')),
               state, cookie)
    assert r.status_code == 200 and 'href="/"' in r.text          # a link naming no assignment: the home page
    with sessions(service_env)() as session:
        assert session.scalars(select(Membership.role).where(Membership.user_id == user.id)).all() == ['instructor']
        assert session.scalar(select(func.count()).select_from(LtiAccount)) == 1
        events = session.execute(select(AuditEvent.action, AuditEvent.detail).where(
            AuditEvent.subject_id == user.id).order_by(AuditEvent.id)).all()
        assert [tuple(e) for e in events] == [('account created', 'LTI launch from https://lms.example'),
                                              ('enrolled by LTI', 'student'), ('enrolled by LTI', 'instructor')]


def refused(r, status, words):
    assert r.status_code == status and REFUSED in r.text and words in r.text, (r.status_code, r.text[-1500:])
    assert 'ag_session' not in r.cookies


def test_tampered_tokens_are_refused_with_a_page(lms, service_env):
    users = count(service_env, User)
    cases = [
        (dict(), PlatformKey(KEY.kid), 400, 'signature does not match'),              # another key, same kid
        (dict(client_id='another-tool'), KEY, 400, 'meant for another tool'),
        (dict(now=0), KEY, 401, 'launch again from your course'),                     # expired in 1970
        (dict(deployment='dep-9'), KEY, 403, 'is not registered with the grader'),
        (dict(issuer='https://evil.example'), KEY, 400, 'issued by another platform'),
        (dict(context='ctx-9'), KEY, 403, 'lti-link-course'),
        (dict(roles=['http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor']), KEY, 403, 'gives no access'),
    ]
    for change, key, status, words in cases:
        r, state, nonce, cookie = login(lms)
        claims = launch_claims(change.pop('issuer', ISS), change.pop('client_id', CLIENT), nonce, **change)
        refused(launch(lms, key.sign(claims), state, cookie), status, words)
    assert count(service_env, User) == users                          # no account made by a refused launch


def test_replays_and_other_browsers_are_refused(lms, service_env):
    r, state, nonce, cookie = login(lms)
    token = KEY.sign(launch_claims(ISS, CLIENT, nonce))
    assert launch(lms, token, state, cookie).status_code == 200
    refused(launch(lms, token, state, cookie), 400, 'already used')                 # the state is spent
    with sessions(service_env)() as session:                # even a state made again for that nonce: refused
        session.add(LtiLoginState(state=state, nonce=nonce, platform_id=1, params={},
                                  expires_at=datetime.now(timezone.utc) + timedelta(minutes=5)))
        session.commit()
    refused(launch(lms, token, state, cookie), 400, 'already used')
    # a launch posted into another browser (no state cookie): refused, with a way to start again
    r, state, nonce, _ = login(lms)
    r = launch(lms, KEY.sign(launch_claims(ISS, CLIENT, nonce)), state, None)
    refused(r, 400, 'Open the grader in a new window')
    assert 'action="/lti/login" target="_blank"' in r.text and 'name="login_hint" value="u-1"' in r.text
    refused(launch(lms, 'x', 'no-such-state', cookie), 400, 'unknown, expired or was already used')
    r, state, nonce, cookie = login(lms)               # a platform's far-off exp: the nonce is kept a bounded time
    assert launch(lms, KEY.sign(launch_claims(ISS, CLIENT, nonce, exp=10 ** 12)), state, cookie).status_code == 200


def test_bad_login_requests_are_refused(lms):
    posted = httpx.post(lms + '/lti/login', data=dict(iss=ISS, login_hint='u-1', target_link_uri=lms + '/lti/launch'))
    assert posted.status_code == 302 and 'state=' in posted.headers['location']    # POST works too (no client id)
    r = login(lms, iss='https://unknown.example')[0]
    assert r.status_code == 403 and 'no platform https://unknown.example with client id client-7 is registered' in r.text
    r = login(lms, target_link_uri='https://elsewhere.example/x')[0]
    assert r.status_code == 400 and 'is not on this grader' in r.text
    r = login(lms, lti_deployment_id='dep-9')[0]
    assert r.status_code == 403 and 'dep-9&#39; of https://lms.example is not registered' in r.text
    r = login(lms, login_hint='h' * 5000)[0]
    assert r.status_code == 400 and 'login_hint' in r.text
    framed = httpx.get(lms + '/lti/login', params=dict(iss=ISS, login_hint='u-1', client_id=CLIENT,
                                                       target_link_uri=lms + '/lti/launch'),
                       headers={'Sec-Fetch-Dest': 'iframe'})
    assert framed.status_code == 200 and 'opens in its own window' in framed.text and 'target="_blank"' in framed.text


def test_the_tools_keys_are_published_and_rotated(lms, service_env):
    first = httpx.get(lms + '/lti/jwks').json()['keys']
    assert len(first) == 1 and first[0]['kty'] == 'RSA' and 'd' not in first[0]
    rc, out, _ = admin(service_env['AG_DATABASE_URL'], 'lti-rotate-keys')
    after = httpx.get(lms + '/lti/jwks').json()['keys']
    assert rc == 0 and [k['kid'] for k in after] == [out.strip(), first[0]['kid']]
