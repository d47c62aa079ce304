"""Real services for the service tests: PostgreSQL (as the postgres user), Redis, Celery workers, uvicorn."""
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import httpx
import pytest

from app.cli.migrate import upgrade
from app.cli.seed import seed
from app.core.db import make_engine, make_sessionmaker
from tests.helpers.paths import ROOT
from tests.integration.service.helpers import admin, free_port, set_assignment
from tests.integration.service.lti_platform import CLIENT_ID, DEPLOYMENT_ID, registered_urls


def _pg_bin():
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/initdb'))
    if not found:
        raise RuntimeError('PostgreSQL is not installed (apt-get install postgresql; make test does it as root)')
    return os.path.dirname(found[-1])


@pytest.fixture(scope='session')
def postgres_url():
    """postgresql+psycopg URL of a fresh server on a free loopback port, stopped at the end."""
    bindir = _pg_bin()
    base = tempfile.mkdtemp(prefix='pg-')
    os.chmod(base, 0o755)
    shutil.chown(base, 'postgres', 'postgres')
    data, port = os.path.join(base, 'data'), free_port()
    as_pg = ['runuser', '-u', 'postgres', '--']
    subprocess.run(as_pg + [bindir + '/initdb', '-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8',
                            '--no-locale'], check=True, capture_output=True)
    subprocess.run(as_pg + [bindir + '/pg_ctl', '-D', data, '-l', os.path.join(base, 'log'), '-w', '-o',
                            '-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off' % (port, base), 'start'],
                   check=True, capture_output=True)
    try:
        subprocess.run(as_pg + [bindir + '/createdb', '-h', '127.0.0.1', '-p', str(port), 'grader'],
                       check=True, capture_output=True)
        yield 'postgresql+psycopg://postgres@127.0.0.1:%d/grader' % port
    finally:
        subprocess.run(as_pg + [bindir + '/pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop'],
                       capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def fresh_postgres(postgres_url):
    """URL of a new empty database on the session's PostgreSQL server, dropped after the test."""
    import uuid

    from sqlalchemy import create_engine, text
    name = 'grader_' + uuid.uuid4().hex[:12]
    admin = create_engine(postgres_url, isolation_level='AUTOCOMMIT')
    with admin.connect() as conn:
        conn.execute(text('CREATE DATABASE ' + name))
    yield postgres_url.rsplit('/', 1)[0] + '/' + name
    with admin.connect() as conn:
        conn.execute(text('DROP DATABASE %s WITH (FORCE)' % name))
    admin.dispose()


@pytest.fixture(scope='session')
def redis_url():
    """A real redis-server on a free loopback port, without persistence."""
    port = free_port()
    proc = subprocess.Popen(['redis-server', '--port', str(port), '--bind', '127.0.0.1', '--save', '',
                             '--appendonly', 'no'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                with socket.create_connection(('127.0.0.1', port), timeout=0.1) as s:
                    s.sendall(b'PING\r\n')
                    if s.recv(16).startswith(b'+PONG'):
                        break
            except OSError:
                time.sleep(0.02)
        else:
            raise RuntimeError('redis-server did not answer')
        yield 'redis://127.0.0.1:%d/0' % port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def service_env(tmp_path, redis_url):
    """Environment for a worker process: its own database, storage and the real broker (emptied)."""
    import redis
    redis.Redis.from_url(redis_url).flushall()        # no message of an earlier test reaches this one
    return {'AG_DATABASE_URL': 'sqlite:///%s' % (tmp_path / 'grader.sqlite'), 'AG_BROKER_URL': redis_url,
            'AG_STORAGE_DIR': str(tmp_path / 'uploads'), 'AG_SANDBOX_MODE': 'strict'}


@pytest.fixture
def celery_worker(service_env):
    """start() -> a real Celery worker process consuming the cpu queue; all stopped at the end."""
    procs = []

    def start(queues='cpu', pool='solo'):
        env = dict(os.environ, **service_env)
        proc = subprocess.Popen([sys.executable, '-m', 'celery', '-A', 'worker.celery_app', 'worker', '-Q', queues,
                                 '--pool', pool, '--concurrency', '1', '-n', 'test-%d@localhost' % len(procs),
                                 '--without-mingle', '--without-gossip', '--without-heartbeat', '-l', 'warning'],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        procs.append(proc)
        return proc
    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        proc.stderr.close()


def wait_up(url, tries=200):
    """Until url answers 200 (a server this fixture started), at most tries times 50 ms."""
    for _ in range(tries):
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)


@pytest.fixture
def api(service_env):
    """Base URL of the API served by uvicorn on a free loopback port (migrated, demo-seeded)."""
    upgrade(service_env['AG_DATABASE_URL'])
    with make_sessionmaker(make_engine(service_env['AG_DATABASE_URL']))() as session:
        seed(session, 'demo')
    port = free_port()
    proc = subprocess.Popen([sys.executable, '-m', 'uvicorn', 'app.main:app_from_env', '--factory', '--host',
                             '127.0.0.1', '--port', str(port), '--log-level', 'warning'], cwd=ROOT,
                            env=dict(os.environ, **service_env), stdout=subprocess.DEVNULL)
    base = 'http://127.0.0.1:%d' % port
    try:
        wait_up(base + '/healthz')
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def site(service_env, celery_worker, request):
    """Base URL of the stack, the convnet assignment without its training checks (seconds per grading)."""
    base = request.getfixturevalue('api')
    set_assignment(service_env, training_checks=False)
    celery_worker()
    return base


CHROMIUM = '/usr/bin/chromium'


@pytest.fixture
def browser():
    """Debian's Chromium, headless, driven by Playwright (for the page tests)."""
    if not os.path.exists(CHROMIUM):
        raise RuntimeError('Chromium is missing: apt-get install chromium (make test does it as root)')
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync'])
        yield browser
        browser.close()


@pytest.fixture
def lms_server(api):
    """Base URL (http://localhost:P) of the test LMS (tests/integration/service/lti_platform.py) in its own
    process, its tool being the service at api; not registered with the service."""
    port = free_port()
    issuer = 'http://localhost:%d' % port
    env = dict(os.environ, LMS_ISSUER=issuer, LMS_CLIENT_ID=CLIENT_ID, LMS_DEPLOYMENT=DEPLOYMENT_ID, LMS_TOOL=api)
    proc = subprocess.Popen([sys.executable, '-m', 'uvicorn', 'tests.integration.service.lti_platform:app_from_env',
                             '--factory', '--host', '127.0.0.1', '--port', str(port), '--log-level', 'warning'],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_up('http://127.0.0.1:%d/jwks' % port)
        yield issuer
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def lms(lms_server, service_env):
    """The test LMS registered with the service by the operator's commands, its course linked to demo."""
    url = service_env['AG_DATABASE_URL']
    login, token, jwks = registered_urls(lms_server)
    rc, _, err = admin(url, 'lti-register', lms_server, CLIENT_ID, '--login-url', login, '--token-url', token,
                       '--jwks-url', jwks, '--deployment', DEPLOYMENT_ID, '--name', 'Test LMS')
    assert rc == 0, err
    assert admin(url, 'lti-link-course', lms_server, 'ctx-1', 'demo')[0] == 0
    return lms_server
