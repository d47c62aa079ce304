"""Deadline-rush load test against `make run`'s stack (python -m app.run), measured in one run.

    python bench/load.py [--uploads 200] [--clients 20] [--training] [--concurrency N] [--pool N]
                         [--fork-server on|off] [--workers 1,2,3 [--database-url URL]]

Starts the whole stack on a fresh SQLite file, a fresh Redis and free loopback ports, enrols one student
per upload, then fires every upload from `--clients` concurrent HTTP clients and waits until SQL says
each submission is graded. Prints upload latency p50/p95, time from upload to graded p50/p95 and graded
submissions per minute; fails (exit 1) on any refused upload, any error row or any lost submission.
Without --training the assignment skips the two training checks (a few seconds of grading each instead
of ~17 s), which is what the figures in docs/benchmarks.md use.

--workers 1,2,3: instead of make run's one worker, one rush per count of worker processes started as separate
hosts (each a Celery worker of one grading at a time with its own AG_STORAGE_DIR and TMPDIR; uploads reach them
through the database), the API (app.cli.serve) and the sweeper beside them; prints graded per minute for each
count and its ratio to the first. --database-url: PostgreSQL for that mode (default: a fresh SQLite file).
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.accounts.security import hash_password  # noqa: E402
from app.core.db import aware, make_engine, make_sessionmaker  # noqa: E402
from app.core.models import Assignment, Course, Membership, Submission, User  # noqa: E402

SOURCE = open(os.path.join(ROOT, 'tests', 'submissions', 'correct_vectorized', 'convolutional_networks.py')).read()
TIME_LIMIT_S = 3600


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100.0 * (len(ordered) - 1))))]


def start_stack(data, port, concurrency, pool, extra=None):
    env = dict(os.environ, PORT=str(port), DEMO_PASSWORD='bench', AG_DATABASE_URL='sqlite:///%s/db.sqlite' % data,
               AG_STORAGE_DIR=os.path.join(data, 'uploads'), AG_BROKER_URL='redis://127.0.0.1:%d/0' % free_port())
    if concurrency:
        env['AG_WORKER_CONCURRENCY'] = str(concurrency)
    if pool is not None:
        env['AG_POOL_SIZE'] = str(pool)
    env.update(extra or {})
    log = open(os.path.join(data, 'stack.log'), 'w')
    proc = subprocess.Popen([sys.executable, '-m', 'app.run'], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = 'http://127.0.0.1:%d' % port
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + '/readyz', timeout=1).status_code == 200:
                return proc, base, env['AG_DATABASE_URL']
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            raise SystemExit('the stack stopped; see %s/stack.log' % data)
        time.sleep(0.3)
    raise SystemExit('the stack did not become ready in 120 s')


def start_hosts(data, port, workers, database_url, web_workers=0):
    """Redis, the API (web_workers processes; 0: app.cli.serve decides), the sweeper and `workers` Celery workers
    (one grading each), every host with folders of its own -> (processes, base URL, database URL); migrated and
    seeded like make run. processes[1] is the API."""
    from app.cli.migrate import upgrade
    from app.cli.seed import seed
    url = database_url or 'sqlite:///%s/db.sqlite' % data
    upgrade(url)
    with make_sessionmaker(make_engine(url))() as session:
        seed(session, 'bench')
    redis_port = free_port()
    env = dict(os.environ, AG_DATABASE_URL=url, AG_BROKER_URL='redis://127.0.0.1:%d/0' % redis_port)
    procs = [subprocess.Popen(['redis-server', '--port', str(redis_port), '--bind', '127.0.0.1', '--save', '',
                               '--appendonly', 'no'], stdout=subprocess.DEVNULL, start_new_session=True)]

    def host(name, argv, **settings):
        folder = os.path.join(data, name)
        os.makedirs(os.path.join(folder, 'tmp'))
        log = open(os.path.join(folder, 'log'), 'w')
        procs.append(subprocess.Popen(argv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                      env=dict(env, AG_STORAGE_DIR=os.path.join(folder, 'uploads'),
                                               TMPDIR=os.path.join(folder, 'tmp'), **settings)))
    host('api', [sys.executable, '-m', 'app.cli.serve', '--port', str(port)],
         **({'AG_WEB_WORKERS': str(web_workers)} if web_workers else {}))
    host('sweeper', [sys.executable, '-m', 'worker.sweeper'])
    for i in range(workers):
        host('worker%d' % i, [sys.executable, '-m', 'celery', '-A', 'worker.celery_app', 'worker', '-Q', 'cpu',
                              '--pool', 'prefork', '--concurrency', '1', '-n', 'worker%d@bench' % i, '-l', 'warning',
                              '--without-mingle', '--without-gossip'])
    base = 'http://127.0.0.1:%d' % port
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + '/readyz', timeout=1).status_code == 200:
                return procs, base, url
        except httpx.TransportError:
            time.sleep(0.3)
    raise SystemExit('the API did not become ready; see %s/api/log' % data)


def stop_hosts(procs):
    for proc in procs:
        os.killpg(proc.pid, signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def stop_stack(proc, timeout_s=60):
    """Ctrl-C to make run's supervisor, then SIGKILL to its group if it does not stop in time."""
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def enrol(Session, count, training):
    """`count` students in the demo course; the convnet assignment without rate limits for the rush."""
    now = datetime.now(timezone.utc)
    digest = hash_password('bench')
    with Session() as session:
        course = session.scalars(select(Course).where(Course.slug == 'demo')).one()
        a = session.scalars(select(Assignment).where(Assignment.slug == 'convnet')).one()
        a.training_checks, a.rate_limit_burst, a.rate_limit_per_hour = training, 10, 100
        for i in range(count):
            user = User(email='bench%03d@example.com' % i, name='Bench %d' % i, password_hash=digest, created_at=now)
            session.add(user)
            session.flush()
            session.add(Membership(user_id=user.id, course_id=course.id, role='student'))
        session.commit()


def sign_in(base, i):
    r = httpx.post(base + '/api/v1/auth/token', data={'username': 'bench%03d@example.com' % i,
                                                       'password': 'bench'}, timeout=60)
    r.raise_for_status()
    return {'Authorization': 'Bearer ' + r.json()['access_token']}


def upload(base, headers, i):
    body = ('# bench upload %d\n' % i + SOURCE).encode()
    start = time.perf_counter()
    r = httpx.post(base + '/api/v1/assignments/convnet/submissions', headers=headers, timeout=120,
                   files={'files': ('convolutional_networks.py', body)})
    return time.perf_counter() - start, r.status_code, r.json().get('id') if r.status_code == 202 else r.text


def rush(base, url, args):
    """Enrol, fire every upload from --clients clients, wait until SQL says each is graded -> figures."""
    Session = make_sessionmaker(make_engine(url))
    enrol(Session, args.uploads, args.training)
    with ThreadPoolExecutor(args.clients) as pool:
        headers = list(pool.map(lambda i: sign_in(base, i), range(args.uploads)))
        began = time.time()
        results = list(pool.map(lambda i: upload(base, headers[i], i), range(args.uploads)))
    refused = [r for r in results if r[1] != 202]
    ids = {r[2] for r in results if r[1] == 202}
    while time.time() - began < TIME_LIMIT_S:
        with Session() as session:
            pending = session.scalar(select(func.count()).where(Submission.status.in_(('queued', 'running'))))
        if not pending:
            break
        time.sleep(2)
    with Session() as session:
        rows = session.scalars(select(Submission)).all()
    graded = [s for s in rows if s.status == 'graded' and s.score == s.max_score]
    latency = [r[0] for r in results]
    to_graded = [(aware(s.finished_at) - aware(s.requested_at)).total_seconds() for s in graded]
    span = max(aware(s.finished_at) for s in graded).timestamp() - began if graded else float('nan')
    print('upload latency   p50 %.3f s   p95 %.3f s   max %.3f s'
          % (percentile(latency, 50), percentile(latency, 95), max(latency)))
    if to_graded:
        print('time to graded   p50 %.1f s   p95 %.1f s   max %.1f s'
              % (percentile(to_graded, 50), percentile(to_graded, 95), max(to_graded)))
    per_minute = len(graded) * 60.0 / span
    print('throughput       %.1f submissions graded per minute (%d in %.0f s)' % (per_minute, len(graded), span))
    lost = ids - {s.id for s in rows}
    print('refused %d, error or wrong score %d, lost %d, ungraded %d'
          % (len(refused), len(rows) - len(graded), len(lost), len(ids - {s.id for s in graded})))
    ok = not refused and not lost and len(graded) == len(rows) == args.uploads
    return ok, per_minute


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--uploads', type=int, default=200)
    parser.add_argument('--clients', type=int, default=20)
    parser.add_argument('--training', action='store_true', help='keep the two training checks')
    parser.add_argument('--concurrency', type=int, default=0, help='gradings at once (AG_WORKER_CONCURRENCY)')
    parser.add_argument('--pool', type=int, default=None, help='warm runners per grading process (AG_POOL_SIZE)')
    parser.add_argument('--fork-server', choices=('on', 'off'), default='on',
                        help='cpu runners forked from a zygote (AG_FORK_SERVER) or started by bubblewrap')
    parser.add_argument('--workers', default='', help='counts of separate worker hosts, e.g. 1,2,3')
    parser.add_argument('--database-url', default='', help='with --workers: the database (default SQLite)')
    args = parser.parse_args()
    print('uploads %d from %d clients, training checks %s, worker concurrency %s, warm pool %s, fork server %s, '
          '%d cores' % (args.uploads, args.clients, 'on' if args.training else 'off', args.concurrency or 'default',
                        'default' if args.pool is None else args.pool, args.fork_server, os.cpu_count()))
    if args.workers:
        return hosts_mode(args)
    data = tempfile.mkdtemp(prefix='bench-load-')
    proc, base, url = start_stack(data, free_port(), args.concurrency, args.pool,
                                  {'AG_FORK_SERVER': 'true' if args.fork_server == 'on' else 'false'})
    try:
        return 0 if rush(base, url, args)[0] else 1
    finally:
        stop_stack(proc)
        shutil.rmtree(data, ignore_errors=True)


def hosts_mode(args):
    """One rush per count of worker hosts; graded per minute for each and its ratio to the first count's."""
    counts, rates, ok = [int(n) for n in args.workers.split(',')], [], True
    for count in counts:
        data = tempfile.mkdtemp(prefix='bench-hosts-')
        if args.database_url:                          # a fresh schema each time: drop what the last rush left
            from sqlalchemy import text
            with make_engine(args.database_url).begin() as conn:
                conn.execute(text('DROP SCHEMA public CASCADE; CREATE SCHEMA public'))
        procs, base, url = start_hosts(data, free_port(), count, args.database_url)
        print('-- %d worker host(s), one grading each, %s' % (count, url.split(':')[0]))
        try:
            passed, per_minute = rush(base, url, args)
            ok, rates = ok and passed, rates + [per_minute]
        finally:
            stop_hosts(procs)
            shutil.rmtree(data, ignore_errors=True)
    print('workers           ' + '  '.join('%8d' % n for n in counts))
    print('graded per minute ' + '  '.join('%8.1f' % r for r in rates))
    print('ratio to %d        ' % counts[0] + '  '.join('%8.2f' % (r / rates[0]) for r in rates))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
