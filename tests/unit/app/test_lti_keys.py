"""app.lti.keys: the tool's key pairs live in SQL; the newest signs, a rotated one stays published for
RETIRED_KEPT, then goes; what the tool signs checks out against its published set. Also the login's bound on
logins in flight."""
from datetime import datetime, timedelta, timezone

import jwt
import pytest
from jwt.algorithms import RSAAlgorithm

from app.cli.migrate import upgrade
from app.core.db import make_engine, make_sessionmaker
from app.lti import keys, login, registry
from app.lti.errors import LaunchRefused

T0 = datetime(2027, 1, 10, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def Session(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'db.sqlite')
    upgrade(url)
    return make_sessionmaker(make_engine(url))


def test_keys_are_made_rotated_published_and_dropped(Session):
    with Session() as session:
        first = keys.signing_key(session)
        assert keys.signing_key(session).kid == first.kid                  # made once
        token = jwt.encode({'iss': 'tool'}, first.private_pem, algorithm='RS256', headers={'kid': first.kid})
        public = {k['kid']: k for k in keys.public_jwks(session)['keys']}
        assert 'd' not in public[first.kid]
        assert jwt.decode(token, RSAAlgorithm.from_jwk(public[first.kid]), algorithms=['RS256']) == {'iss': 'tool'}
        second, deleted = keys.rotate(session, now=T0)
        assert deleted == [] and keys.signing_key(session).kid == second.kid
        assert [k['kid'] for k in keys.public_jwks(session)['keys']] == [second.kid, first.kid]
        third, deleted = keys.rotate(session, now=T0 + keys.RETIRED_KEPT + timedelta(seconds=1))
        assert deleted == [first.kid]                                      # retired more than 7 days ago
        assert [k['kid'] for k in keys.public_jwks(session)['keys']] == [third.kid, second.kid]


def test_logins_in_flight_are_bounded(Session, monkeypatch):
    monkeypatch.setattr(login, 'MAX_PENDING', 3)
    params = dict(iss='https://lms.example', login_hint='u', target_link_uri='https://grader.example/lti/launch')
    with Session() as session:
        registry.register(session, 'https://lms.example', 'c', 'https://lms.example/a', 'https://lms.example/t',
                          'https://lms.example/k')
        session.commit()
        for _ in range(3):
            login.start(session, params, 'https://grader.example', now=T0)
        with pytest.raises(LaunchRefused) as info:
            login.start(session, params, 'https://grader.example', now=T0)
        assert info.value.status_code == 429
        url, _ = login.start(session, params, 'https://grader.example', now=T0 + login.STATE_LIFETIME * 2)
        assert url.startswith('https://lms.example/a?scope=openid&')          # the expired ones made room
