"""Calls to a platform's LTI Advantage services (AGS scores and line items, NRPS rosters), made by workers.

An access token comes from the platform's token URL by the OAuth 2 client-credentials grant with a JWT client
assertion signed by the tool's key (IMS Security Framework 4.1); tokens are cached per process until shortly
before they expire. Every answer is read with a timeout and a size limit, redirects are not followed, and every
URL must be https (http on loopback only) and its host's every address public: a platform's URLs (line items,
roster pages, their next links) never reach the grader's own network (Redis, PostgreSQL, a cloud's metadata
address); loopback only with AG_LTI_LOOPBACK. ServiceError says what failed and whether trying later may help."""
import ipaddress
import secrets
import socket
import threading
import time
from urllib.parse import urlsplit

import httpx
import jwt

from app.core.config import get_settings
from app.lti import keys, registry

SCORE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score'
LINEITEM = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem'
LINEITEM_READ = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly'
MEMBERSHIPS = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly'
ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
TIMEOUT_S = 10.0
MAX_TOKEN_BYTES = 64 * 1024
MAX_TOKEN_CHARS = 8192
EARLY_S = 60                     # a cached token is renewed this long before it expires
MAX_BYTES = 1024 * 1024          # the largest answer read from a service (a page of a roster, a line item)


class ServiceError(Exception):
    """message: a sentence for the dashboard; retry: whether the same call may succeed later."""

    def __init__(self, message, retry=True):
        super().__init__(message)
        self.message, self.retry = message, retry


def client_assertion(session, platform, now=None):
    """The JWT that authenticates the tool at the platform's token URL, signed with the tool's current key."""
    now = int(time.time() if now is None else now)
    key = keys.signing_key(session)
    claims = {'iss': platform.client_id, 'sub': platform.client_id, 'aud': platform.token_url, 'iat': now,
              'exp': now + 300, 'jti': secrets.token_urlsafe(24)}
    return jwt.encode(claims, key.private_pem, algorithm='RS256', headers={'kid': key.kid})


def _checked(url, what):
    try:
        url = registry.check_url(url, what)
    except registry.Refused as exc:
        raise ServiceError(str(exc), retry=False)
    check_host(urlsplit(url).hostname)
    return url


def check_host(host, allow_loopback=None):
    """ServiceError unless every address of host is public (or loopback, when allowed: AG_LTI_LOOPBACK)."""
    allow = get_settings().lti_loopback if allow_loopback is None else allow_loopback
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)}
    except (OSError, UnicodeError):
        raise ServiceError('the platform\'s host %s cannot be resolved' % host[:100])
    for text in sorted(found):
        ip = ipaddress.ip_address(text.split('%')[0])
        ip = getattr(ip, 'ipv4_mapped', None) or ip
        if not ((ip.is_global and not ip.is_multicast) or (allow and ip.is_loopback)):
            raise ServiceError('the platform\'s host %s is at %s, not a public address: the grader calls LMS services '
                               'on the internet only (AG_LTI_LOOPBACK=1 lets in an LMS on this machine)'
                               % (host[:100], ip), retry=False)


def call(method, url, token=None, accept=None, content_type=None, body=None, data=None, max_bytes=MAX_BYTES,
         timeout_s=TIMEOUT_S):
    """(status, headers, body bytes) of one HTTP call; ServiceError when it cannot be made or read."""
    headers = {}
    if token:
        headers['Authorization'] = 'Bearer ' + token
    if accept:
        headers['Accept'] = accept
    if content_type:
        headers['Content-Type'] = content_type
    try:
        with httpx.stream(method, _checked(url, 'the service URL'), headers=headers, content=body, data=data,
                          timeout=timeout_s, follow_redirects=False) as r:
            chunks, size = [], 0
            for chunk in r.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise ServiceError('the platform\'s answer from %s is larger than %d bytes' % (url[:200], max_bytes),
                                       retry=False)
                chunks.append(chunk)
            return r.status_code, r.headers, b''.join(chunks)
    except httpx.HTTPError as exc:
        raise ServiceError('the platform (%s) could not be reached: %s' % (url[:200], type(exc).__name__))


def failed(status, url, what):
    """A ServiceError for an HTTP status: 5xx, 429 and 401 (a token revoked early) may pass later."""
    return ServiceError('the platform answered HTTP %d to %s (%s)' % (status, what, url[:200]),
                        retry=status >= 500 or status in (401, 408, 429))


def authorized(session, tokens, platform, scope, method, url, what, **kw):
    """(headers, body) of a 2xx answer to a call made with an access token of scope; a 401 fetches a new token
    and tries once more; a redirect or any other status is a ServiceError."""
    for attempt in (1, 2):
        token = tokens.get(session, platform, [scope])
        status, headers, body = call(method, url, token=token, **kw)
        if status != 401 or attempt == 2:
            break
        tokens.forget(platform)            # a token revoked before its time
    if 300 <= status < 400:
        raise ServiceError('the platform answered %s (%s) with a redirect (HTTP %d), which the grader does not '
                           'follow' % (what, url[:200], status), retry=False)
    if not 200 <= status < 300:
        raise failed(status, url, what)
    return headers, body


class Tokens:
    """Access tokens per (platform, scopes), cached until EARLY_S before expiry; one per process."""

    def __init__(self, clock=time.monotonic):
        self._clock, self._cache, self._lock = clock, {}, threading.Lock()

    def get(self, session, platform, scopes):
        key = (platform.id, platform.token_url, tuple(sorted(scopes)))
        with self._lock:
            token, until = self._cache.get(key, (None, 0.0))
        if token and self._clock() < until:
            return token
        token, lifetime = self._fetch(session, platform, key[2])
        with self._lock:
            self._cache[key] = (token, self._clock() + max(0.0, lifetime - EARLY_S))
        return token

    def forget(self, platform):
        """Drop the platform's tokens (one was refused)."""
        with self._lock:
            for key in [k for k in self._cache if k[0] == platform.id]:
                del self._cache[key]

    def _fetch(self, session, platform, scopes):
        form = {'grant_type': 'client_credentials', 'client_assertion_type': ASSERTION_TYPE,
                'client_assertion': client_assertion(session, platform), 'scope': ' '.join(scopes)}
        status, _, body = call('POST', platform.token_url, accept='application/json', data=form,
                               max_bytes=MAX_TOKEN_BYTES)
        if status != 200:
            raise failed(status, platform.token_url, 'the token request')
        try:
            answer = httpx.Response(200, content=body).json()
            token = answer['access_token']
        except (ValueError, KeyError, TypeError):
            raise ServiceError('the platform\'s token answer (%s) is not JSON with an access_token'
                               % platform.token_url[:200], retry=False)
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS or not token.isprintable():
            raise ServiceError('the platform\'s access token is not text of at most %d characters' % MAX_TOKEN_CHARS,
                               retry=False)
        lifetime = answer.get('expires_in', 3600)
        if not isinstance(lifetime, (int, float)) or isinstance(lifetime, bool) or not 0 < lifetime <= 86400:
            lifetime = 300
        return token, float(lifetime)
