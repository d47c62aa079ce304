"""app.lti.jwks against a real HTTP server on loopback: a platform's key set is read within a size limit and a
timeout, cached, and fetched again for an unknown key id at most once per REFETCH_GAP_S."""
import json
import time

import pytest

from app.lti import jwks
from app.lti.errors import LaunchRefused
from tests.helpers.loopback import http_server

KEYS = {'keys': [{'kty': 'RSA', 'kid': 'a', 'n': 'x', 'e': 'AQAB'}, {'kid': 7}, 'junk']}
BODIES = {'/ok': json.dumps(KEYS).encode(), '/big': b'{"keys": [' + b' ' * (jwks.MAX_BYTES + 10) + b']}',
          '/html': b'<html>', '/many': json.dumps({'keys': [{'kid': str(i)} for i in range(51)]}).encode(),
          '/slow': b'{}'}


@pytest.fixture(scope='module')
def server():
    with http_server(BODIES, {'/slow': 2}) as base:
        yield base


def test_a_key_set_is_read_keeping_keys_with_a_kid(server):
    assert jwks.fetch(server + '/ok') == {'a': KEYS['keys'][0]}


@pytest.mark.parametrize('path, words', [('/big', 'larger than 65536 bytes'), ('/html', 'not a JSON Web Key Set'),
                                         ('/many', 'at most 50 keys'), ('/gone', 'answered HTTP 404')])
def test_bad_key_sets_are_refused(server, path, words):
    with pytest.raises(LaunchRefused) as info:
        jwks.fetch(server + path)
    assert words in info.value.message and info.value.status_code == 502


def test_a_slow_platform_times_out(server):
    started = time.monotonic()
    with pytest.raises(LaunchRefused) as info:
        jwks.fetch(server + '/slow', timeout_s=0.5)
    assert 'could not be fetched: ReadTimeout' in info.value.message and time.monotonic() - started < 1.5


def test_keys_are_cached_and_unknown_kids_refetch_at_most_every_gap(server):
    calls, now = [], [1000.0]

    def counted(url):
        calls.append(url)
        return jwks.fetch(url)
    cache = jwks.KeyCache(counted, clock=lambda: now[0])
    assert cache.key(server + '/ok', 'a')['kid'] == 'a' and cache.key(server + '/ok', 'a') and len(calls) == 1
    with pytest.raises(LaunchRefused):
        cache.key(server + '/ok', 'made-up')              # just fetched: no second fetch
    assert len(calls) == 1
    now[0] += jwks.REFETCH_GAP_S + 1
    for _ in range(5):
        with pytest.raises(LaunchRefused) as info:
            cache.key(server + '/ok', 'made-up')
    assert len(calls) == 2 and "kid 'made-up'" in info.value.message
    now[0] += jwks.FRESH_S + 1
    cache.key(server + '/ok', 'a')
    assert len(calls) == 3                                  # stale after FRESH_S
