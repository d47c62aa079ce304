"""The schema: migrations match the models and the constraints hold, on SQLite and PostgreSQL."""
import hashlib
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from app.accounts.security import hash_password, new_token, token_digest, verify_password
from app.cli.migrate import alembic_config, upgrade
from app.core.db import make_engine, make_sessionmaker
from app.core.models import ApiToken, Assignment, Blob, CheckRow, Course, Submission, User
from app.core.storage import DbStorage, Missing

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(params=['sqlite', 'postgresql'])
def db_url(request, tmp_path):
    if request.param == 'sqlite':
        return 'sqlite:///%s' % (tmp_path / 'grader.sqlite')
    return request.getfixturevalue('postgres_url')


@pytest.fixture
def session(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        yield s
    if db_url.startswith('postgresql'):             # one server per test session: leave it empty
        command.downgrade(alembic_config(db_url), 'base')
    engine.dispose()


def test_migrations_match_the_models(db_url):
    upgrade(db_url)
    command.check(alembic_config(db_url))           # raises when the models and the schema differ
    tables = set(inspect(make_engine(db_url)).get_table_names())
    assert {'users', 'api_tokens', 'courses', 'memberships', 'assignments', 'submissions',
            'check_results'} <= tables
    command.downgrade(alembic_config(db_url), 'base')
    assert set(inspect(make_engine(db_url)).get_table_names()) <= {'alembic_version'}


def test_rows_round_trip_and_constraints_hold(session):
    user = User(email='s@example.com', name='S', role='student', password_hash=hash_password('pw'),
                created_at=NOW)
    course = Course(slug='eecs498', title='EECS 498')
    session.add_all([user, course])
    session.flush()
    assignment = Assignment(course_id=course.id, slug='convnet', title='ConvNet', profile='eecs498',
                            due_at=NOW + timedelta(days=1))
    session.add(assignment)
    session.flush()
    sub = Submission(owner_id=user.id, assignment_id=assignment.id, content_sha256='ab' * 32,
                     files=[{'name': 'convolutional_networks.py', 'sha256': 'ab' * 32, 'size': 10}],
                     requested_at=NOW)
    sub.checks.append(CheckRow(check_id='conv_forward.s1_p0', component='conv_forward', status='passed',
                               score=1.5, max_score=1.5, error=1e-16, threshold=1e-7, message='ok'))
    session.add(sub)
    session.commit()
    loaded = session.scalars(select(Submission)).one()
    assert loaded.status == 'queued' and loaded.attempts == 0 and loaded.files[0]['size'] == 10
    assert loaded.checks[0].error == 1e-16 and loaded.checks[0].threshold == 1e-7
    assert loaded.requested_at.replace(tzinfo=timezone.utc) == NOW
    session.add(CheckRow(submission_id=sub.id, check_id='conv_forward.s1_p0', component='conv_forward',
                         status='passed', score=1, max_score=1))
    with pytest.raises(IntegrityError):              # one row per check and submission
        session.commit()
    session.rollback()
    session.add(User(email='s@example.com', password_hash='x', created_at=NOW))
    with pytest.raises(IntegrityError):              # e-mails are unique
        session.commit()
    session.rollback()
    session.delete(session.get(Submission, sub.id))
    session.commit()
    assert session.scalars(select(CheckRow)).all() == []


def test_uploads_stored_in_the_database_once_each(session, db_url):
    storage = DbStorage(session)
    digest = storage.put(b'x = 1\n')
    assert digest == hashlib.sha256(b'x = 1\n').hexdigest() and storage.put(b'x = 1\n') == digest
    session.commit()
    with make_sessionmaker(make_engine(db_url))() as other:   # another connection (a worker's), the same content
        assert DbStorage(other).put(b'x = 1\n') == digest and DbStorage(other).get(digest) == b'x = 1\n'
        other.commit()
    assert session.scalars(select(Blob)).all()[0].size == 6 and len(session.scalars(select(Blob)).all()) == 1
    with pytest.raises(Missing, match='no stored file ' + 'b' * 64):
        storage.get('b' * 64)
    with pytest.raises(ValueError, match='not a sha256'):
        storage.get("' OR 1=1 --")


def test_passwords_and_tokens():
    digest = hash_password('correct horse')
    assert digest.startswith('$argon2') and verify_password(digest, 'correct horse')
    assert not verify_password(digest, 'wrong') and not verify_password('not a hash', 'x')
    token, stored = new_token()
    assert len(token) >= 40 and stored == token_digest(token) and token not in stored
    assert ApiToken.__table__.c.token_sha256.unique
