"""The platforms' public keys (their JWKS URL), fetched with a timeout and a size limit and cached per process.

A key id not in the cached set makes one new fetch (a platform rotated its keys), at most once per
REFETCH_GAP_S per URL, so tokens with made-up key ids cannot make the service hammer the platform."""
import json
import threading
import time

import httpx

from app.lti.errors import LaunchRefused

MAX_BYTES = 64 * 1024
MAX_KEYS = 50
TIMEOUT_S = 5.0
FRESH_S = 600.0
REFETCH_GAP_S = 30.0


def fetch(url, timeout_s=TIMEOUT_S, max_bytes=MAX_BYTES):
    """The key set at url as {kid: jwk}; LaunchRefused when it cannot be read or is not a key set."""
    try:
        with httpx.stream('GET', url, timeout=timeout_s, follow_redirects=False,
                          headers={'Accept': 'application/json'}) as r:
            if r.status_code != 200:
                raise LaunchRefused('keys', 'the platform\'s key set (%s) answered HTTP %d' % (url, r.status_code),
                                    status_code=502)
            body = b''
            for chunk in r.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise LaunchRefused('keys', 'the platform\'s key set (%s) is larger than %d bytes'
                                        % (url, max_bytes), status_code=502)
    except httpx.HTTPError as exc:
        raise LaunchRefused('keys', 'the platform\'s key set (%s) could not be fetched: %s'
                            % (url, type(exc).__name__), status_code=502)
    return parse(body, url)


def parse(body, url=''):
    try:
        keys = json.loads(body)['keys']
    except (ValueError, KeyError, TypeError):
        raise LaunchRefused('keys', 'the platform\'s key set (%s) is not a JSON Web Key Set' % url, status_code=502)
    if not isinstance(keys, list) or len(keys) > MAX_KEYS:
        raise LaunchRefused('keys', 'the platform\'s key set (%s) is not a list of at most %d keys'
                            % (url, MAX_KEYS), status_code=502)
    return {k['kid']: k for k in keys if isinstance(k, dict) and isinstance(k.get('kid'), str)}


class KeyCache:
    """kid -> JWK per JWKS URL, fresh for FRESH_S; one per process (app.state.lti_keys)."""

    def __init__(self, fetch=fetch, clock=time.monotonic):
        self._fetch, self._clock = fetch, clock
        self._sets = {}              # url -> (fetched at (monotonic), {kid: jwk})
        self._lock = threading.Lock()

    def key(self, url, kid):
        """The platform's JWK with this kid, else LaunchRefused."""
        now = self._clock()
        with self._lock:
            fetched, keys = self._sets.get(url, (None, {}))
        stale = fetched is None or now - fetched > FRESH_S
        if stale or (kid not in keys and now - fetched > REFETCH_GAP_S):
            keys = self._fetch(url)
            with self._lock:
                self._sets[url] = (now, keys)
        if kid not in keys:
            raise LaunchRefused('signature', 'the token was signed with a key (kid %r) that the platform does not '
                                'publish' % kid[:64])
        return keys[kid]
