"""OIDC third-party login initiation (/lti/login): the platform names itself and the user; the grader keeps a
new state and nonce and sends the browser to the platform's authorization endpoint, which posts the signed
id_token back to /lti/launch. The state is also set in a cookie of this browser: only the browser that started
the login can finish it (no one can sign someone else in with their own launch)."""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode, urlsplit

from sqlalchemy import delete, func, select

from app.lti import registry
from app.lti.errors import LaunchRefused
from app.lti.tables import ID_MAX, URL_MAX, LtiLoginState

STATE_LIFETIME = timedelta(minutes=10)
MAX_PENDING = 20000         # logins in flight at once: anyone may start one, so their rows are bounded
HINT_MAX = 4096
PARAMS = ('iss', 'login_hint', 'target_link_uri', 'lti_message_hint', 'client_id', 'lti_deployment_id')


def cookie_name(state):
    return 'ag_lti_' + hashlib.sha256(state.encode()).hexdigest()[:16]


def _param(params, name, limit, required=True):
    value = params.get(name)
    if value is None and not required:
        return ''
    if not isinstance(value, str) or (required and not value) or len(value) > limit:
        raise LaunchRefused('login', 'the LMS\'s login request has no %s, or one longer than %d characters'
                            % (name, limit))
    return value


def same_site(url, tool_base):
    """url lies on this tool (its scheme and host), so the launch cannot send the browser elsewhere."""
    a, b = urlsplit(url), urlsplit(tool_base)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def start(session, params, tool_base, now=None):
    """-> (the platform's authorization URL to redirect to, the state). LaunchRefused for a bad request."""
    now = now or datetime.now(timezone.utc)
    kept = {name: _param(params, name, limit, required) for name, limit, required in (
        ('iss', URL_MAX, True), ('login_hint', HINT_MAX, True), ('target_link_uri', URL_MAX, True),
        ('lti_message_hint', HINT_MAX, False), ('client_id', ID_MAX, False), ('lti_deployment_id', ID_MAX, False))}
    if not same_site(kept['target_link_uri'], tool_base):
        raise LaunchRefused('login', 'the link\'s target %r is not on this grader (%s)'
                            % (kept['target_link_uri'][:100], tool_base))
    try:
        platform = registry.find(session, kept['iss'], kept['client_id'] or None)
    except registry.Refused as exc:
        raise LaunchRefused('platform', str(exc) + ': ask the grader\'s operator to register it (python -m '
                            'app.admin lti-register)', status_code=403)
    if kept['lti_deployment_id'] and kept['lti_deployment_id'] not in registry.deployment_ids(session, platform):
        raise LaunchRefused('deployment', 'the deployment %r of %s is not registered with the grader'
                            % (kept['lti_deployment_id'], platform.issuer), status_code=403)
    session.execute(delete(LtiLoginState).where(LtiLoginState.expires_at < now))
    if session.scalar(select(func.count()).select_from(LtiLoginState)) >= MAX_PENDING:
        session.commit()
        raise LaunchRefused('busy', 'too many launches are starting at once: try again in a minute', status_code=429)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(LtiLoginState(state=state, nonce=nonce, platform_id=platform.id, expires_at=now + STATE_LIFETIME,
                              params={k: v for k, v in kept.items() if v}))
    session.commit()
    query = {'scope': 'openid', 'response_type': 'id_token', 'response_mode': 'form_post', 'prompt': 'none',
             'client_id': platform.client_id, 'redirect_uri': tool_base + '/lti/launch',
             'login_hint': kept['login_hint'], 'state': state, 'nonce': nonce}
    if kept['lti_message_hint']:
        query['lti_message_hint'] = kept['lti_message_hint']
    joiner = '&' if urlsplit(platform.login_url).query else '?'
    return platform.login_url + joiner + urlencode(query), state
