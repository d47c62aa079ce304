"""Faults with real parts: Redis restarted with submissions queued, the database locked mid-task.
Every test ends by reading the final rows."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.core.config import Settings
from app.core.db import aware
from app.core.models import Assignment, CheckRow, Submission
from app.grading.dispatch import send_grading
from tests.helpers.paths import ROOT, read_submission
from tests.integration.service.helpers import add_submission, free_port, queued_ids, wait_for
from worker.celery_app import create_app

pytestmark = pytest.mark.slow


class RedisServer:
    """A redis-server on a loopback port that a test can stop and start again (same port, same folder)."""

    def __init__(self, folder, persistent):
        self.port, self.folder, self.proc = free_port(), str(folder), None
        self.args = ['--appendonly', 'yes', '--appendfsync', 'always'] if persistent else ['--appendonly', 'no']
        self.url = 'redis://127.0.0.1:%d/0' % self.port

    def start(self):
        self.proc = subprocess.Popen(['redis-server', '--port', str(self.port), '--bind', '127.0.0.1', '--save', '',
                                      '--dir', self.folder] + self.args, stdout=subprocess.DEVNULL)
        import redis
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if redis.Redis.from_url(self.url, socket_timeout=1).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError('redis-server did not start')

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=20)


def numeric_only(env, count):
    """`count` queued submissions of an assignment without the training checks (a few seconds each)."""
    Session, first = add_submission(env, read_submission('correct_vectorized'))
    with Session() as session:
        sub = session.get(Submission, first)
        session.get(Assignment, sub.assignment_id).training_checks = False
        for _ in range(count - 1):
            session.add(Submission(owner_id=sub.owner_id, assignment_id=sub.assignment_id, files=sub.files,
                                   content_sha256=sub.content_sha256, requested_at=datetime.now(timezone.utc)))
        session.commit()
        return Session, session.scalars(select(Submission).order_by(Submission.id)).all()


def send_all(env, Session, subs):
    app = create_app(Settings(broker_url=env['AG_BROKER_URL']))
    with Session() as session:
        rows = [session.get(Submission, s.id) for s in subs]
        assignments = {a.id: a for a in session.scalars(select(Assignment))}
        send_grading(session, rows, assignments, Settings(), lambda i, q: app.send_task(
            'grader.grade_submission', args=[i], queue=q))
    return [s.id for s in subs]


def assert_graded_once(Session, ids):
    with Session() as session:
        for i in ids:
            sub = session.get(Submission, i)
            checks = session.scalar(select(func.count()).where(CheckRow.submission_id == i))
            assert (sub.status, sub.score, sub.attempts) == ('graded', sub.max_score, 1), i
            assert checks == 57 and sub.claim is None                   # 59 less the two training checks


@pytest.mark.parametrize('persistent', [True, False], ids=['append-only-file', 'no-persistence'])
def test_redis_restarted_with_submissions_queued_loses_none(tmp_path, service_env, celery_worker, persistent):
    redis_server = RedisServer(tmp_path, persistent)
    redis_server.start()
    # a deadline longer than a grading under load, else the sweeper also re-sends rows still running
    service_env.update(AG_BROKER_URL=redis_server.url, AG_GRADING_DEADLINE_S='20', AG_SWEEP_EVERY_S='1')
    sweeper = None
    try:
        Session, subs = numeric_only(service_env, 3)
        ids = send_all(service_env, Session, subs)
        assert queued_ids(redis_server.url) == ids
        redis_server.stop()
        redis_server.start()
        assert queued_ids(redis_server.url) == (ids if persistent else [])   # without persistence: gone
        celery_worker()
        # the sweeper re-sends what the broker lost; with an append-only file it finds nothing to do
        sweeper = subprocess.Popen([sys.executable, '-m', 'worker.sweeper'], cwd=ROOT, stderr=subprocess.PIPE,
                                   env=dict(os.environ, **service_env), text=True)
        for i in ids:
            wait_for(Session, i, ('graded', 'error'), 120)
        assert_graded_once(Session, ids)
    finally:
        if sweeper is not None:
            sweeper.terminate()
            log = sweeper.communicate(timeout=20)[1]
        redis_server.stop()
    if not persistent:
        assert 're-enqueued 3 submission(s): %s' % ids in log


def test_a_locked_database_makes_the_task_retry_until_it_is_free(service_env, celery_worker):
    service_env['AG_DB_LOCK_TIMEOUT_S'] = '0.3'
    Session, subs = numeric_only(service_env, 2)
    path = service_env['AG_DATABASE_URL'][len('sqlite:///'):]
    ids = send_all(service_env, Session, subs[:1])
    lock = sqlite3.connect(path, isolation_level=None)
    lock.execute('BEGIN EXCLUSIVE')                     # no worker can claim the row ...
    celery_worker()
    time.sleep(5)
    lock.execute('COMMIT')                              # ... until now
    freed = datetime.now(timezone.utc)
    sub = wait_for(Session, ids[0], ('graded', 'error'), 120)
    # claimed on a retry after the lock went away (its time is taken just before it waits for the lock)
    assert aware(sub.started_at) > freed - timedelta(seconds=1)
    # locked again while the second one is graded: its report waits and is saved once, not regraded
    ids += send_all(service_env, Session, subs[1:])
    wait_for(Session, ids[1], ('running',), 60)
    lock.execute('BEGIN EXCLUSIVE')
    time.sleep(8)
    lock.execute('COMMIT')
    freed = datetime.now(timezone.utc)
    sub = wait_for(Session, ids[1], ('graded', 'error'), 120)
    assert aware(sub.finished_at) > freed - timedelta(seconds=1)
    assert_graded_once(Session, ids)
