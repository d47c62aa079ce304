"""Queue positions and wait estimates (app.grading.waiting) on a real SQLite database."""
from datetime import datetime, timedelta, timezone

import pytest

from app.cli.migrate import upgrade
from app.core.db import make_engine, make_sessionmaker
from app.core.models import Assignment, Course, Submission, User
from app.grading.waiting import queue_wait, start_after

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)


def test_each_waiting_submission_takes_the_slot_that_frees_first():
    assert start_after(0, [], 2, 20.0) == 0.0                 # a free slot
    assert start_after(0, [5.0, 12.0], 2, 20.0) == 5.0
    assert start_after(1, [5.0, 12.0], 2, 20.0) == 12.0
    assert start_after(2, [5.0, 12.0], 2, 20.0) == 25.0
    assert start_after(5, [5.0], 3, 10.0) == 15.0             # 2 free slots, one busy for 5 s: 0 0 5 10 10 15


@pytest.fixture
def session(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'grader.sqlite')
    upgrade(url)
    with make_sessionmaker(make_engine(url))() as s:
        user = User(email='s@example.com', password_hash='x', created_at=NOW)
        course = Course(slug='c', title='C')
        s.add_all([user, course])
        s.flush()
        a = Assignment(course_id=course.id, slug='a', title='A')
        s.add(a)
        s.flush()
        s.info['row'] = lambda **kw: _row(s, user.id, a.id, **kw)
        yield s


def _row(s, owner, assignment, **values):
    sub = Submission(owner_id=owner, assignment_id=assignment, content_sha256='a' * 64, files=[], requested_at=NOW,
                     **values)
    s.add(sub)
    s.flush()
    return sub


def test_the_position_counts_the_queue_by_send_time_and_the_estimate_uses_recent_gradings(session):
    row = session.info['row']
    for i in range(3):                                # graded one at a time: 30 s each
        row(status='graded', started_at=NOW - timedelta(seconds=300 - 40 * i),
            finished_at=NOW - timedelta(seconds=270 - 40 * i))
    running = row(status='running', started_at=NOW - timedelta(seconds=10))
    early = row(status='queued', enqueued_at=NOW - timedelta(seconds=5))
    same_time = [row(status='queued', enqueued_at=NOW - timedelta(seconds=2)) for _ in range(2)]
    row(status='queued', enqueued_at=NOW - timedelta(seconds=3), queue='gpu')   # another queue
    unsent = row(status='queued', enqueued_at=None)
    session.commit()
    assert queue_wait(session, running, NOW) is None
    first = queue_wait(session, early, NOW)
    assert (first.position, first.workers, first.typical_s, first.estimated_start_s) == (1, 1, 30.0, 20.0)
    assert [queue_wait(session, s, NOW).position for s in same_time] == [2, 3]
    assert queue_wait(session, same_time[1], NOW).estimated_start_s == 80.0
    assert queue_wait(session, unsent, NOW).position == 4    # sent later by the sweeper: after those sent


def test_the_workers_are_those_seen_grading_at_once_and_no_history_gives_no_estimate(session):
    row = session.info['row']
    waiting = row(status='queued', enqueued_at=NOW)
    session.commit()
    assert queue_wait(session, waiting, NOW).estimated_start_s is None
    for _ in range(3):                                # three at once, 60 s each
        row(status='graded', started_at=NOW - timedelta(seconds=100), finished_at=NOW - timedelta(seconds=40))
    session.commit()
    wait = queue_wait(session, waiting, NOW)
    assert wait.workers == 3 and wait.estimated_start_s == 0.0
