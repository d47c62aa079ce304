"""Three hosts on one machine: the API (two uvicorn processes and the sweeper) and two workers, each in a mount
namespace of its own with a private /tmp that holds its AG_STORAGE_DIR and TMPDIR. The same path names a
different disk on each, so only PostgreSQL and Redis connect them. A burst of uploads is graded while one worker
is killed mid-grading; every submission ends graded once, by the default storage (the database)."""
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import httpx
import pytest
from sqlalchemy import func, select

from app.accounts.security import hash_password
from app.cli.migrate import upgrade
from app.cli.seed import seed
from app.core.db import make_engine, make_sessionmaker
from app.core.models import Assignment, Blob, CheckRow, Course, Membership, Submission, User
from tests.helpers.paths import ROOT, read_submission
from tests.integration.service.helpers import free_port, token, upload, wait_until

pytestmark = pytest.mark.slow

# A host of its own: a private mount namespace whose /tmp is a fresh tmpfs (gone when the host stops).
HOST = ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c',
        'mount -t tmpfs -o mode=1777 tmpfs /tmp && exec "$@"', 'host']
NUMERIC_CHECKS = 57                                    # 59 less the two training checks
STUDENTS = 8


class Hosts:
    """Processes started as separate hosts; all killed at the end."""

    def __init__(self, env, logs):
        self.env, self.logs, self.procs = env, logs, {}
        self.engine = make_engine(env['AG_DATABASE_URL'])
        self.Session = make_sessionmaker(self.engine)

    def numeric_only(self):
        """The demo assignment without its two training checks (a few seconds of grading each)."""
        with self.Session() as session:
            session.scalars(select(Assignment).where(Assignment.slug == 'convnet')).one().training_checks = False
            session.commit()

    def start(self, name, argv, **settings):
        env = dict(os.environ, **self.env, AG_STORAGE_DIR='/tmp/uploads', TMPDIR='/tmp', **settings)
        with open(os.path.join(self.logs, name + '.log'), 'w') as log:
            self.procs[name] = subprocess.Popen(HOST + argv, cwd=ROOT, env=env, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)
        return self.procs[name]

    def api(self, **settings):
        port = free_port()
        self.start('api', [sys.executable, '-m', 'app.cli.serve', '--port', str(port)], AG_WEB_WORKERS='2',
                   **settings)
        self.start('sweeper', [sys.executable, '-m', 'worker.sweeper'], **settings)
        base = 'http://127.0.0.1:%d' % port
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + '/readyz', timeout=1).status_code == 200:
                    return base
            except httpx.TransportError:
                time.sleep(0.2)
        raise AssertionError('the API host did not become ready: %s' % self.log('api'))

    def worker(self, name, **settings):
        return self.start(name, [sys.executable, '-m', 'celery', '-A', 'worker.celery_app', 'worker', '-Q', 'cpu',
                                 '--pool', 'prefork', '--concurrency', '1', '-n', name + '@host',
                                 '--without-mingle', '--without-gossip', '-l', 'warning'], **settings)

    def log(self, name):
        with open(os.path.join(self.logs, name + '.log')) as f:
            return f.read()[-3000:]

    def stop(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        self.engine.dispose()


@pytest.fixture
def hosts(fresh_postgres, redis_url, tmp_path):
    import redis
    redis.Redis.from_url(redis_url).flushall()
    env = {'AG_DATABASE_URL': fresh_postgres, 'AG_BROKER_URL': redis_url, 'AG_SANDBOX_MODE': 'strict'}
    upgrade(fresh_postgres)                             # the migrations Job
    found = Hosts(env, str(tmp_path))
    with found.Session() as session:
        seed(session, 'demo')
    yield found
    found.stop()


def enrol(Session, count):
    """`count` more students of the demo course -> their e-mails."""
    digest, now = hash_password('demo'), datetime.now(timezone.utc)
    with Session() as session:
        course = session.scalars(select(Course).where(Course.slug == 'demo')).one()
        emails = ['host%d@example.com' % i for i in range(count)]
        for email in emails:
            user = User(email=email, name=email, password_hash=digest, created_at=now)
            session.add(user)
            session.flush()
            session.add(Membership(user_id=user.id, course_id=course.id, role='student'))
        session.commit()
    return emails


def test_an_api_and_two_workers_that_share_no_disk_grade_a_burst_once_though_one_worker_dies(hosts):
    hosts.numeric_only()
    settings = {'AG_GRADING_DEADLINE_S': '25', 'AG_SWEEP_EVERY_S': '2'}
    base = hosts.api(**settings)
    first = hosts.worker('w1', **settings)
    hosts.worker('w2', **settings)
    source = read_submission('correct_vectorized').decode()
    emails = enrol(hosts.Session, STUDENTS)
    heads = [token(base, e, timeout=60) for e in emails]        # argon2 sign-ins on a busy machine
    with ThreadPoolExecutor(STUDENTS) as pool:
        answers = list(pool.map(lambda i: upload(base, heads[i], '# student %d\n' % i + source, timeout=60),
                                range(STUDENTS)))
    assert [r.status_code for r in answers] == [202] * STUDENTS, [r.text for r in answers]
    ids = [r.json()['id'] for r in answers]
    Session = hosts.Session

    def running_on_w1():
        with Session() as session:
            return session.scalar(select(Submission.id).where(Submission.status == 'running',
                                                              Submission.worker.like('w1@%')))
    victim = wait_until(running_on_w1, 120, 'w1 grading something')
    time.sleep(1.0)
    os.killpg(first.pid, signal.SIGKILL)                # the host w1 is gone, its private /tmp with it
    first.wait(timeout=30)

    def all_done():
        with Session() as session:
            rows = session.scalars(select(Submission).where(Submission.id.in_(ids))).all()
            return rows if all(s.status in ('graded', 'error') for s in rows) else None
    rows = wait_until(all_done, 300, 'every submission graded (w2: %s)' % hosts.log('w2'))
    with Session() as session:
        checks = dict(session.execute(select(CheckRow.submission_id, func.count())
                                      .group_by(CheckRow.submission_id)).all())
        blobs = session.scalar(select(func.count()).select_from(Blob))
    for sub in rows:
        assert (sub.status, sub.score, sub.claim) == ('graded', sub.max_score, None), (sub.id, sub.error)
        assert checks[sub.id] == NUMERIC_CHECKS, sub.id          # one result set each, never two
    killed = next(s for s in rows if s.id == victim)
    assert killed.attempts >= 2 and killed.worker.startswith('w2@'), (killed.attempts, killed.worker)
    assert blobs == STUDENTS                                     # the files travelled through PostgreSQL only


def test_the_hosts_really_share_no_folder_a_folder_store_fails_there(hosts):
    """The same hosts with AG_STORAGE=dir: the worker's /tmp/uploads is not the API's, so it cannot fetch the
    file and says so on the submission (the test above would fail the same way if any folder were shared)."""
    hosts.numeric_only()
    settings = {'AG_STORAGE': 'dir', 'AG_STORAGE_FETCH_RETRIES': '1'}
    base = hosts.api(**settings)
    hosts.worker('w1', **settings)
    r = upload(base, token(base, 'student@example.com', timeout=60), read_submission('correct_vectorized').decode(),
               timeout=60)
    assert r.status_code == 202, r.text
    Session = hosts.Session

    def done():
        with Session() as session:
            sub = session.get(Submission, r.json()['id'])
            return sub if sub.status in ('graded', 'error') else None
    sub = wait_until(done, 120, 'the worker gives up fetching')
    assert sub.status == 'error' and sub.error.startswith('the uploaded file could not be fetched from storage'), \
        (sub.status, sub.error)
