"""Time to the first check results over REST, against `make run`'s stack (python -m app.run), measured in one run.

    python bench/first_feedback.py [--idle 5] [--burst 200] [--clients 20] [--probes 5] [--burst-training]

1. Idle: --idle uploads one at a time to the assignment with its training checks on. For each, the time from
   sending the upload to the first GET /api/v1/submissions/{id} that shows checks (polled every 30 ms); its p50
   beside the in-process time of the first component's checks in the worker's sandbox configuration, as ratios:
   grade(only=[it]) with a runner of its own (as python -m grader grades), and on a warm, ready runner (until
   grade(progress=) hands them over in a whole grading, and grade(only=[it])).
   Targets: p50 <= 1.5 s and <= 1.5x.
2. Burst: --burst uploads from --clients clients at once (training checks off unless --burst-training), then
   --probes more. Each upload's queue_position and estimated_start_s are read right after it is accepted; the
   estimate's error is the actual start (started_at) minus that estimate. The probes, polled like the idle
   uploads, give the time to first results at the end of the burst, from the upload and from their start.
Before both, a few uploads at once give every grading process its warm runner.
Exit 1 when an upload is refused or a submission does not end graded with full marks.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.core.db import aware, make_engine, make_sessionmaker  # noqa: E402
from app.core.models import Assignment, Submission  # noqa: E402
from load import SOURCE, enrol, free_port, percentile, sign_in, start_stack, stop_stack  # noqa: E402

POLL_S = 0.03                         # more often, the polls themselves slow the 2-core machine's grading
WARM = 2 * (os.cpu_count() or 1)      # uploads that give make run's grading processes their warm runners


def upload(base, headers, i):
    """(seconds the upload took, its id, when it was sent as a wall-clock time)"""
    body = ('# first feedback %d\n' % i + SOURCE).encode()
    sent, start = time.time(), time.perf_counter()
    r = httpx.post(base + '/api/v1/assignments/convnet/submissions', headers=headers, timeout=120,
                   files={'files': ('convolutional_networks.py', body)})
    if r.status_code != 202:
        raise SystemExit('upload %d refused: %d %s' % (i, r.status_code, r.text[:200]))
    return time.perf_counter() - start, r.json()['id'], sent


def read(base, headers, sub_id):
    r = httpx.get(base + '/api/v1/submissions/%d' % sub_id, headers=headers, timeout=60)
    r.raise_for_status()
    return r.json()


def first_results(base, headers, sub_id, sent, timeout_s=600):
    """Seconds from `sent` to the first answer with checks (running or graded)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        data = read(base, headers, sub_id)
        if data['checks']:
            return time.time() - sent, data['status']
        if data['status'] == 'error':
            raise SystemExit('submission %d: %s' % (sub_id, data['error']))
        time.sleep(POLL_S)
    raise SystemExit('submission %d showed no checks in %d s' % (sub_id, timeout_s))


def wait_graded(Session, ids, timeout_s=3600):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with Session() as session:
            left = session.scalar(select(func.count()).where(Submission.id.in_(ids),
                                                             Submission.status.in_(('queued', 'running'))))
        if not left:
            return
        time.sleep(0.5)
    raise SystemExit('%d submissions still ungraded after %d s' % (left, timeout_s))


class Decided(Exception):
    pass


def in_process_first_component(runs=5):
    """(the first component, its checks, median seconds until grade(progress=) hands its results over in a whole
    grading, median seconds of grade(only=[it]) alone), on a warm runner of the worker's sandbox configuration."""
    from app.core.config import Settings
    from grader import get_profile, grade
    from grader.engine import select_checks
    from grader.isolation.pool import WarmPool
    from worker.tasks import sandbox_config
    profile, sandbox = get_profile('eecs498'), sandbox_config(Settings(), 'cpu')
    first = select_checks(profile)[0].component
    pool = WarmPool(sandbox, 'cpu', 1)

    def decided(checks, pending):
        raise Decided(len(checks))

    def ready():                                      # started, and given the time an idle worker gives it
        pool.wait_full(120)
        time.sleep(1.5)
    try:
        whole, alone = [], []
        for _ in range(runs + 1):                     # the first warms the pool
            ready()
            start = time.perf_counter()
            try:
                grade(SOURCE.encode(), profile, pool=pool, sandbox=sandbox, progress=decided)
            except Decided as exc:
                whole.append(time.perf_counter() - start)
                count = exc.args[0]
            ready()
            start = time.perf_counter()
            report = grade(SOURCE.encode(), profile, only=[first], pool=pool, sandbox=sandbox)
            alone.append(time.perf_counter() - start)
            assert report.score == report.max_score and len(report.checks) == count, report.table()
        cold = []
        for _ in range(3):                            # as `python -m grader` grades: a runner of its own
            start = time.perf_counter()
            grade(SOURCE.encode(), profile, only=[first], sandbox=sandbox)
            cold.append(time.perf_counter() - start)
        return first, count, statistics.median(whole[1:]), statistics.median(alone[1:]), statistics.median(cold)
    finally:
        pool.close()


def warm_up(base, Session, headers, users, count):
    """`count` uploads at once (the last users'), graded: every grading process has its warm runner."""
    with ThreadPoolExecutor(count) as pool:
        ids = [r[1] for r in pool.map(lambda i: upload(base, headers[i], i), range(users - count, users))]
    wait_graded(Session, ids)
    return ids


def set_training(Session, on):
    with Session() as session:
        session.scalars(select(Assignment).where(Assignment.slug == 'convnet')).one().training_checks = on
        session.commit()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--idle', type=int, default=5)
    parser.add_argument('--burst', type=int, default=200)
    parser.add_argument('--clients', type=int, default=20)
    parser.add_argument('--probes', type=int, default=5)
    parser.add_argument('--burst-training', action='store_true')
    args = parser.parse_args()
    first, count, whole, alone, cold = in_process_first_component()
    data = tempfile.mkdtemp(prefix='bench-first-')
    proc, base, url = start_stack(data, free_port(), 0, None)
    Session = make_sessionmaker(make_engine(url))
    users = args.idle + args.idle + 1 + args.burst + args.probes + WARM
    try:
        enrol(Session, users, True)
        with ThreadPoolExecutor(args.clients) as pool:
            headers = list(pool.map(lambda i: sign_in(base, i), range(users)))
        set_training(Session, False)
        ids = warm_up(base, Session, headers, users, WARM)
        set_training(Session, True)
        idle, took, started = [], [], []
        for i in range(args.idle):
            latency, sub_id, sent = upload(base, headers[i], i)
            idle.append(first_results(base, headers[i], sub_id, sent)[0])
            ids.append(sub_id)
            wait_graded(Session, [sub_id])
            with Session() as session:
                started.append(aware(session.get(Submission, sub_id).started_at).timestamp() - sent)
            took.append(latency)
        if idle:
            p50 = percentile(idle, 50)
            print('idle, training checks on: upload -> first checks over REST  p50 %.3f s  p95 %.3f s  (%d uploads; '
                  'the upload answered in p50 %.3f s, grading started p50 %.3f s after it was sent)'
                  % (p50, percentile(idle, 95), len(idle), percentile(took, 50), percentile(started, 50)))
            print('in-process %s (%d checks): %.3f s graded alone with a runner of its own (as python -m grader '
                  'does), ratio p50 / it %.2f  (targets: p50 <= 1.5 s, ratio <= 1.5)'
                  % (first, count, cold, p50 / cold))
            print('in-process on a warm, ready runner: decided %.3f s into a whole grading, %.3f s graded alone; '
                  'ratios %.2f and %.2f' % (whole, alone, p50 / whole, p50 / alone))
        if not args.burst:
            return 0
        set_training(Session, args.burst_training)
        n = args.idle
        for i in range(n, n + args.idle + 1):         # recent grading times of the burst's configuration
            _, sub_id, _ = upload(base, headers[i], i)
            ids.append(sub_id)
            wait_graded(Session, [sub_id])
        n += args.idle + 1
        said = {}

        def burst_upload(i):
            took, sub_id, sent = upload(base, headers[i], i)
            got = read(base, headers[i], sub_id)
            said[sub_id] = (time.time(), got['queue_position'], got['estimated_start_s'], got['status'])
            return sub_id, sent
        began = time.time()
        with ThreadPoolExecutor(args.clients) as pool:
            burst = list(pool.map(burst_upload, range(n, n + args.burst)))
        probes = [burst_upload(i) for i in range(n + args.burst, n + args.burst + args.probes)]
        with ThreadPoolExecutor(max(1, args.probes)) as pool:
            seen = list(pool.map(lambda p: first_results(base, headers[p[1]], p[0][0], p[0][1], 3600),
                                 [(p, n + args.burst + k) for k, p in enumerate(probes)]))
        every = [s for s, _ in burst + probes]
        wait_graded(Session, every + ids)
        with Session() as session:
            rows = {s.id: s for s in session.scalars(select(Submission).where(Submission.id.in_(every + ids)))}
        errors = [aware(rows[i].started_at).timestamp() - (t + est) for i, (t, _, est, status) in said.items()
                  if est is not None and status == 'queued']
        print('burst of %d uploads from %d clients (training checks %s), graded in %.0f s'
              % (args.burst, args.clients, 'on' if args.burst_training else 'off',
                 max(aware(rows[i].finished_at).timestamp() for i in every) - began))
        if errors:
            absolute = [abs(e) for e in errors]
            print('estimated start vs actual start: |error| p50 %.1f s  p90 %.1f s  max %.1f s; mean signed %+.1f s '
                  '(late > 0) over %d queued uploads' % (percentile(absolute, 50), percentile(absolute, 90),
                                                        max(absolute), statistics.mean(errors), len(errors)))
        for (sub_id, sent), (took, status) in zip(probes, seen):
            t, position, est, _ = said[sub_id]
            start = aware(rows[sub_id].started_at).timestamp()
            print('probe %d at the end: position %s, estimated start %s s, actual %.1f s; first checks %.1f s after '
                  'the upload, %.2f s after its start' % (sub_id, position, est, start - t, took, sent + took - start))
        bad = [s for s in rows.values() if s.status != 'graded' or s.score != s.max_score]
        print('error or wrong score %d' % len(bad))
        return 1 if bad else 0
    except BaseException:
        log = open(os.path.join(data, 'stack.log'), errors='replace').read()
        print('the stack\'s log, last 4000 characters:\n' + log[-4000:], file=sys.stderr)
        raise
    finally:
        stop_stack(proc)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
