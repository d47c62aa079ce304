"""app.lti.claims on id_tokens signed here: a valid launch is read; each forgery or mistake is refused, saying
which check failed."""
import sys
import time
from types import SimpleNamespace

import pytest

from app.lti import claims
from app.lti.deep_linking import SETTINGS as DL
from app.lti.errors import LaunchRefused
from app.lti.roles import course_role
from tests.helpers.lti import INSTRUCTOR, LEARNER, LTI, PlatformKey, launch_claims

ISS, CLIENT = 'https://lms.example', 'client-7'
PLATFORM = SimpleNamespace(issuer=ISS, client_id=CLIENT)
KEY = PlatformKey('k1')
NOW = time.time()                 # reset when each test starts (a test may run long after this module loads)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], 'NOW', time.time())


def run(token, nonce='n-1', deployments=('dep-1',), keys=None, now=None):
    """The claims of a launch checked at `now` (default: this test's start, as the tokens' default times)."""
    now = NOW if now is None else now
    keys = keys or {KEY.kid: KEY.jwk}

    def key_for(kid):
        if kid not in keys:
            raise LaunchRefused('signature', 'unknown kid')
        return keys[kid]
    return claims.check(token, PLATFORM, key_for, nonce, set(deployments), now)


def refused(token, **kw):
    with pytest.raises(LaunchRefused) as info:
        run(token, **kw)
    return info.value


def test_a_valid_launch_is_read():
    token = KEY.sign(launch_claims(ISS, CLIENT, 'n-1', custom_value=1, **{
        LTI + 'custom': {'assignment': 'convnet', 'n': 3},
        'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {'lineitem': 'https://lms.example/li/1'}}))
    launch = run(token)
    assert (launch.sub, launch.name, launch.context_id, launch.resource_link_id) == (
        'user-1', 'Ada Lovelace', 'ctx-1', 'link-1')
    assert launch.custom == {'assignment': 'convnet'} and launch.lineitem_url == 'https://lms.example/li/1'
    assert course_role(launch.roles) == 'student'


def test_a_token_signed_by_another_key_is_refused():
    forger = PlatformKey('k1')                   # same kid, another key
    assert refused(forger.sign(launch_claims(ISS, CLIENT, 'n-1'))).kind == 'signature'
    token = KEY.sign(launch_claims(ISS, CLIENT, 'n-1'))
    head, body, sig = token.split('.')
    other = KEY.sign(launch_claims(ISS, CLIENT, 'n-1', sub='admin')).split('.')[1]
    assert refused('.'.join((head, other, sig))).kind == 'signature'           # body swapped under a signature
    assert refused(KEY.sign(launch_claims(ISS, CLIENT, 'n-1'), alg='HS256')).kind == 'signature'
    assert refused(KEY.sign(launch_claims(ISS, CLIENT, 'n-1'), kid='k9')).kind == 'signature'
    assert refused('not.a.token').kind == 'token'


def test_wrong_audience_azp_and_issuer_are_refused():
    assert refused(KEY.sign(launch_claims(ISS, 'another-tool', 'n-1'))).kind == 'audience'
    both = launch_claims(ISS, CLIENT, 'n-1', aud=[CLIENT, 'other'])
    del both['azp']
    assert refused(KEY.sign(both)).kind == 'audience'
    assert refused(KEY.sign(launch_claims(ISS, CLIENT, 'n-1', azp='other'))).kind == 'audience'
    error = refused(KEY.sign(launch_claims('https://evil.example', CLIENT, 'n-1')))
    assert error.kind == 'issuer' and 'issued by another platform than https://lms.example' in error.message


def test_expired_old_and_future_tokens_are_refused():
    error = refused(KEY.sign(launch_claims(ISS, CLIENT, 'n-1', now=NOW - 400)))
    assert error.kind == 'expired' and error.status_code == 401 and 'launch again' in error.message
    old = launch_claims(ISS, CLIENT, 'n-1', now=NOW - 3600, exp=int(NOW) + 300)
    assert refused(KEY.sign(old)).kind == 'expired'
    assert refused(KEY.sign(launch_claims(ISS, CLIENT, 'n-1', now=NOW + 600))).kind == 'claims'
    assert run(KEY.sign(launch_claims(ISS, CLIENT, 'n-1', now=NOW - 330))).sub == 'user-1'   # within the leeway


@pytest.mark.parametrize('times', [dict(exp=float('nan')), dict(iat=float('nan')), dict(exp=float('inf')),
                                   dict(exp='2099-01-01'), dict(iat=True)])
def test_times_that_are_not_finite_numbers_are_refused(times):
    assert refused(KEY.sign(launch_claims(ISS, CLIENT, 'n-1', **times))).kind == 'claims'


def test_another_logins_nonce_and_unknown_deployments_are_refused():
    assert refused(KEY.sign(launch_claims(ISS, CLIENT, 'n-2'))).kind == 'nonce'
    error = refused(KEY.sign(launch_claims(ISS, CLIENT, 'n-1', deployment='dep-9')))
    assert error.kind == 'deployment' and error.status_code == 403 and "'dep-9'" in error.message


def test_missing_or_oversized_claims_are_refused():
    no_sub = launch_claims(ISS, CLIENT, 'n-1')
    del no_sub['sub']
    assert refused(KEY.sign(no_sub)).kind == 'claims'
    assert refused(KEY.sign(launch_claims(ISS, CLIENT, 'n-1', sub='x' * 256))).kind == 'claims'
    assert refused(KEY.sign(launch_claims(ISS, CLIENT, 'n-1', roles=['r'] * 51))).kind == 'claims'
    assert refused(KEY.sign(launch_claims(ISS, CLIENT, 'n-1', **{LTI + 'context': 'ctx'}))).kind == 'claims'
    assert refused(KEY.sign(launch_claims(ISS, CLIENT, 'n-1', **{LTI + 'version': '1.1'}))).kind == 'message'
    other = launch_claims(ISS, CLIENT, 'n-1', **{LTI + 'message_type': 'LtiSubmissionReviewRequest'})
    assert 'LtiSubmissionReviewRequest\' is not supported' in refused(KEY.sign(other)).message
    assert refused('x' * (claims.TOKEN_MAX_CHARS + 1)).kind == 'token'


def deep_link(**settings):
    """A deep linking request (no resource link) with these deep_linking_settings."""
    claims = launch_claims(ISS, CLIENT, 'n-1', **{LTI + 'message_type': 'LtiDeepLinkingRequest', DL: dict(
        {'deep_link_return_url': 'https://lms.example/dl/return', 'accept_types': ['link', 'ltiResourceLink'],
         'accept_presentation_document_targets': ['iframe', 'window'], 'data': 'opaque'}, **settings)})
    del claims[LTI + 'resource_link']
    return KEY.sign(claims)


def test_a_deep_linking_request_is_read():
    launch = run(deep_link(accept_multiple=True, title='Add'))
    assert launch.message_type == 'LtiDeepLinkingRequest' and launch.resource_link_id == ''
    assert launch.deep_linking == {'return_url': 'https://lms.example/dl/return', 'data': 'opaque', 'title': 'Add',
                                   'accept_multiple': True, 'targets': ('iframe', 'window')}
    assert run(deep_link(data=None)).deep_linking['data'] is None
    assert run(deep_link(deep_link_return_url='http://127.0.0.1:8000/r')).deep_linking['return_url'].startswith('http')


@pytest.mark.parametrize('settings, words', [
    ({'deep_link_return_url': 'http://lms.example/dl/return'},
     "the deep linking return URL 'http://lms.example/dl/return' is not an https URL"),
    ({'deep_link_return_url': 'javascript:alert(1)'}, 'return URL \'javascript:alert(1)\' is not an https URL'),
    ({'deep_link_return_url': None}, 'return URL \'None\' is not an https URL'),
    ({'accept_types': ['link', 'html']}, 'does not accept an LTI link (ltiResourceLink) here'),
    ({'accept_types': 'ltiResourceLink'}, 'does not accept an LTI link (ltiResourceLink) here'),
    ({'data': 'x' * 2049}, 'data is not text of at most 2048 characters'),
    ({'data': {'a': 1}}, 'data is not text of at most 2048 characters'),
])
def test_bad_deep_linking_settings_are_refused(settings, words):
    exc = refused(deep_link(**settings))
    assert exc.kind == 'claims' and words in exc.message, exc.message


def test_a_deep_linking_request_without_its_settings_is_refused():
    claims = launch_claims(ISS, CLIENT, 'n-1', **{LTI + 'message_type': 'LtiDeepLinkingRequest'})
    assert 'has no deep_linking_settings claim' in refused(KEY.sign(claims)).message


@pytest.mark.parametrize('roles, role', [
    ([INSTRUCTOR], 'instructor'), ([LEARNER], 'student'), (['Instructor'], 'instructor'),
    (['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'], 'instructor'),
    ([LEARNER, INSTRUCTOR], 'instructor'),
    (['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor'], None),
    (['http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator'], None),
    (['http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor'], None), ([], None)])
def test_roles(roles, role):
    assert course_role(roles) == role
