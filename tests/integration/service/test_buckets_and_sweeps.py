"""Token buckets and the sweeper's choice of stuck rows, on SQLite and PostgreSQL."""
import threading
from datetime import datetime, timedelta, timezone

import pytest
from alembic import command

from app.cli.migrate import alembic_config, upgrade
from app.core.config import Settings
from app.core.db import make_engine, make_sessionmaker
from app.core.models import Assignment, Course, Submission, User
from app.core.throttle import describe_wait, take, wait_s
from app.grading.dispatch import stuck, sweep

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(params=['sqlite', 'postgresql'])
def Session(request, tmp_path):
    url = ('sqlite:///%s' % (tmp_path / 'grader.sqlite') if request.param == 'sqlite'
           else request.getfixturevalue('postgres_url'))
    upgrade(url)
    engine = make_engine(url)
    yield make_sessionmaker(engine)
    engine.dispose()
    if url.startswith('postgresql'):
        command.downgrade(alembic_config(url), 'base')


def test_a_bucket_spends_its_burst_then_refills_at_its_rate(Session):
    with Session() as s:
        assert [take(s, 'k', 3, 0.5, now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
        assert take(s, 'k', 3, 0.5, now=100.0) == pytest.approx(2.0)      # one token in 2 s
        assert wait_s(s, 'k', 3, 0.5, now=101.0) == pytest.approx(1.0)
        assert take(s, 'k', 3, 0.5, now=102.0) == 0.0
        assert take(s, 'k', 3, 0.5, now=1000.0) == 0.0                    # refilled, capped at 3
        assert [take(s, 'k', 3, 0.5, now=1000.0) for _ in range(3)][-1] == pytest.approx(2.0)
        assert take(s, 'other', 1, 0.0, now=1.0) == 0.0 and take(s, 'other', 1, 0.0, now=9e9) == float('inf')
        s.commit()
    assert describe_wait(0.2) == '1 s' and describe_wait(61) == '61 s' and describe_wait(600) == '10 min'


def test_concurrent_requests_never_spend_more_than_the_bucket_holds(Session):
    granted, errors, start = [], [], threading.Barrier(12)

    def client():
        start.wait()
        try:
            with Session() as s:
                if take(s, 'race', 5, 0.0, now=50.0) == 0.0:
                    s.commit()
                    granted.append(1)
        except Exception as exc:
            errors.append(exc)
    threads = [threading.Thread(target=client) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and len(granted) == 5
    with Session() as s:
        assert wait_s(s, 'race', 5, 0.0, now=50.0) == float('inf')       # empty, not negative
        assert take(s, 'race', 5, 0.0, now=50.0) == float('inf')


def rows(Session):
    with Session() as s:
        user = User(email='s@example.com', password_hash='x', created_at=NOW)
        course = Course(slug='c', title='C')
        s.add_all([user, course])
        s.flush()
        a = Assignment(course_id=course.id, slug='a', title='A', training_checks=False)
        s.add(a)
        s.flush()
        minute = timedelta(minutes=1)
        cases = {'fresh queued': ('queued', NOW - minute, None), 'old queued': ('queued', NOW - 40 * minute, None),
                 'never sent': ('queued', None, None), 'fresh running': ('running', NOW - 40 * minute, NOW - minute),
                 'old running': ('running', NOW - 90 * minute, NOW - 31 * minute),
                 'old graded': ('graded', NOW - 90 * minute, NOW - 80 * minute)}
        ids = {}
        for name, (status, sent, started) in cases.items():
            sub = Submission(owner_id=user.id, assignment_id=a.id, content_sha256='0' * 64,
                             files=[{'name': 'convolutional_networks.py', 'sha256': '0' * 64, 'size': 1}],
                             status=status, requested_at=NOW - 100 * minute, enqueued_at=sent, started_at=started,
                             claim='c' * 32 if status == 'running' else None)
            s.add(sub)
            s.flush()
            ids[name] = sub.id
        s.commit()
        return ids


def test_the_sweeper_resends_rows_stuck_past_the_deadline_only(Session):
    ids = rows(Session)
    with Session() as s:
        assert [r.id for r in stuck(s, 1800, NOW)] == [ids['old queued'], ids['never sent'], ids['old running']]
        sent = []
        settings = Settings(gpu_workers=True)
        swept = sweep(s, settings, lambda i, q: sent.append((i, q)), NOW)
    assert swept == [ids['old queued'], ids['never sent'], ids['old running']]
    assert sent == [(i, 'cpu') for i in swept]          # no training checks: cpu even with gpu workers
    with Session() as s:
        for i in swept:
            row = s.get(Submission, i)
            assert row.status == 'queued' and row.claim is None and row.enqueued_at is not None
        assert s.get(Submission, ids['fresh running']).status == 'running'
        assert stuck(s, 1800, NOW + timedelta(minutes=1)) == []   # just sent: not stuck again


def test_a_send_that_fails_leaves_the_row_for_the_sweeper(Session):
    ids = rows(Session)

    def broker_down(i, q):
        raise ConnectionError('broker down')
    with Session() as s:
        sweep(s, Settings(), broker_down, NOW)
    with Session() as s:
        row = s.get(Submission, ids['old queued'])
        assert row.status == 'queued' and row.enqueued_at is None
        assert ids['old queued'] in [r.id for r in stuck(s, 1800, datetime.now(timezone.utc))]


def test_a_regrade_starts_a_fresh_count_of_lost_workers_but_a_sweep_does_not(Session):
    from app.grading.dispatch import send_grading
    from app.grading.claims import claim
    ids = rows(Session)
    with Session() as s:
        graded = s.get(Submission, ids['old graded'])
        graded.attempts = 3                            # graded once, then regraded twice
        running = s.get(Submission, ids['old running'])
        running.attempts = 3                           # three workers lost on this grading
        s.commit()
        assignments = {graded.assignment_id: s.get(Assignment, graded.assignment_id)}
        send_grading(s, [graded], assignments, Settings(), lambda i, q: None)          # a regrade
        sweep(s, Settings(), lambda i, q: None, NOW)
    with Session() as s:
        assert claim(s, ids['old graded'], 'w', max_attempts=3) is not None
        assert s.get(Submission, ids['old graded']).attempts == 1
    with Session() as s:
        assert claim(s, ids['old running'], 'w', max_attempts=3) is None
        row = s.get(Submission, ids['old running'])
        assert row.status == 'error' and 'after 3 attempts' in row.error
