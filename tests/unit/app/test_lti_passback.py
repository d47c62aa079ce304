"""app.lti.ags's URLs and app.lti.passback's choices that need no platform: the scores endpoint of a line item,
an answered line item id checked, which links and students a score goes to (none without an LMS link)."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from app.cli.migrate import upgrade
from app.cli.seed import seed
from app.core.db import make_engine, make_sessionmaker
from app.core.models import Assignment, User
from app.lti import ags, passback, registry
from app.lti.services import ServiceError, Tokens
from app.lti.tables import LtiAccount, LtiGradeSync, LtiResourceLink


@pytest.fixture
def Session(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'db.sqlite')
    upgrade(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        seed(session, 'demo')
    yield make_sessionmaker(engine)
    engine.dispose()


def test_the_scores_endpoint_keeps_the_line_items_query():
    assert ags.scores_url('https://lms.example/li/7') == 'https://lms.example/li/7/scores'
    assert ags.scores_url('https://lms.example/li/7/?type=a#x') == 'https://lms.example/li/7/scores?type=a'
    assert ags.with_query('https://lms.example/li', resource_link_id='a b') == \
        'https://lms.example/li?resource_link_id=a+b'
    assert ags.with_query('https://lms.example/li?c=1', resource_link_id='x') == \
        'https://lms.example/li?c=1&resource_link_id=x'


@pytest.mark.parametrize('entry', [{'id': 'http://lms.example/li/1'}, {'id': 'javascript:alert(1)'}, {'id': 7},
                                   {}, ['https://lms.example/li/1'], {'id': 'https://lms.example/' + 'x' * 500}])
def test_a_line_item_id_off_https_is_refused(entry):
    with pytest.raises(ServiceError) as refused:
        ags.checked_id(entry, 'line item id')
    assert not refused.value.retry and 'is not an https URL' in refused.value.message


def _graded(session, user, score=8.0):
    from app.core.models import Submission
    a = session.scalars(select(Assignment).where(Assignment.slug == 'convnet')).one()
    now = datetime.now(timezone.utc)
    session.add(Submission(owner_id=user.id, assignment_id=a.id, content_sha256='a' * 64, files=[], status='graded',
                           score=score, max_score=10.0, requested_at=now))
    session.commit()
    return a


def test_without_an_lms_link_nothing_is_sent_and_nobody_queued(Session):
    with Session() as session:
        student = session.scalars(select(User).where(User.email == 'student@example.com')).one()
        a = _graded(session, student)
        assert passback.score_of(session, a, student) == (8.0, 10.0)
        assert not passback.has_links(session, a.id)
        assert passback.send(session, Tokens(), a.id, student.id) is False   # no link: no call at all
        assert passback.resend_all(session, a) == []
        assert session.scalars(select(LtiGradeSync)).all() == []


def test_a_score_goes_only_to_students_with_an_account_on_the_links_platform(Session):
    with Session() as session:
        student, other = (session.scalars(select(User).where(User.email == e)).one()
                          for e in ('student@example.com', 'student2@example.com'))
        a = _graded(session, student)
        platform, _ = registry.register(session, 'https://lms.example', 'c1', 'https://lms.example/auth',
                                        'https://lms.example/token', 'https://lms.example/jwks', ['d1'])
        context = registry.link_course(session, platform, 'ctx', 'demo')
        session.add(LtiResourceLink(platform_id=platform.id, resource_link_id='l1', context_id=context.id,
                                    assignment_id=a.id))
        session.add(LtiAccount(platform_id=platform.id, sub='sub-1', user_id=student.id))
        session.commit()
        assert passback.has_links(session, a.id)
        assert [(link.resource_link_id, sub) for link, sub in passback.targets(session, a.id, student.id)] == [
            ('l1', 'sub-1')]
        assert passback.targets(session, a.id, other.id) == []
        assert passback.resend_all(session, a) == [student.id]
