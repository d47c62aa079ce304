"""app.lti.deep_linking on SQLite: a choosing request is answered once even when two answers race (the second
finds it in its session's memory but the delete matches no row)."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app.cli.migrate import upgrade
from app.cli.seed import seed
from app.core.db import make_engine
from app.core.models import Course, User
from app.lti import deep_linking, registry
from app.lti.errors import LaunchRefused
from app.lti.tables import LtiDeepLinkRequest


@pytest.fixture
def Session(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'db.sqlite')
    upgrade(url)
    engine = make_engine(url)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


def test_two_answers_at_once_use_the_request_once(Session):
    now = datetime.now(timezone.utc)
    with Session() as session:
        seed(session, 'demo')
        platform, _ = registry.register(session, 'https://lms.example', 'c-1', 'https://lms.example/a',
                                        'https://lms.example/t', 'https://lms.example/k', ['d-1'])
        user = session.scalars(select(User).where(User.email == 'instructor@example.com')).one()
        session.add(LtiDeepLinkRequest(id='r-1', platform_id=platform.id, deployment_id='d-1', return_url='https://x',
                                       course_id=session.scalars(select(Course.id)).first(), user_id=user.id,
                                       expires_at=now + timedelta(minutes=5)))
        session.commit()
    with Session() as first, Session() as second:
        me = first.get(User, user.id)
        seen = deep_linking.find(first, 'r-1', me, now)                  # the first answer has read it (kept)
        first.commit()
        assert deep_linking.take(second, 'r-1', second.get(User, user.id), now).return_url == 'https://x'
        second.commit()
        with pytest.raises(LaunchRefused) as info:
            deep_linking.take(first, 'r-1', me, now)                       # found in memory, gone in SQL
        assert seen.id == 'r-1' and info.value.message == 'this choice of assignment was already sent to your LMS'
