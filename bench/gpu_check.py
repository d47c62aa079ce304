"""The GPU check (run by bench/gpu_check.sh on a machine with CUDA), one run, figures printed.

1. The CLI's engine on the correct file, numeric checks: a cold sandboxed runner on CPU vs on CUDA.
2. The solver check on CUDA with a synthetic CIFAR-10 folder: training wall time vs its limit, accuracies.
3. make run's stack (Redis, API, cpu worker and, CUDA found, the gpu worker) grading a correct and a
   device-buggy submission (Conv.forward allocates its output on the CPU) with the training checks on:
   which worker took each, time per submission, and the checks the device bug fails.
"""
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import httpx  # noqa: E402
import torch  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.core.db import aware, make_engine, make_sessionmaker  # noqa: E402
from app.core.models import CheckRow, Submission  # noqa: E402
from grader import get_profile, grade  # noqa: E402
from grader.isolation.sandbox import SandboxConfig  # noqa: E402
from grader.scoring.cifar import write_cifar10  # noqa: E402
from grader.scoring.datasets import synthetic_pixels  # noqa: E402
from load import enrol, free_port, sign_in, start_stack, stop_stack  # noqa: E402

PROFILE = get_profile('eecs498')
CORRECT = open(os.path.join(ROOT, 'tests', 'submissions', 'correct_vectorized', 'convolutional_networks.py')).read()
CPU_OUT = '    out = torch.zeros((N, F, H_out, W_out), dtype=x.dtype)\n'
BUGGY = CORRECT.replace('    out = torch.zeros((N, F, H_out, W_out), dtype=x.dtype, device=x.device)\n', CPU_OUT)
CLI_LIMIT_S, SERVICE_LIMIT_S = 30.0, 15.0
GPU = 'cuda' if torch.cuda.is_available() else 'cpu'    # cpu: a dry run of the script on a machine without one


def timed_grade(source, device, **kwargs):
    start = time.perf_counter()
    report = grade(source.encode(), PROFILE, device=device, sandbox=SandboxConfig(mode='strict', gpu=device == 'cuda'),
                   **kwargs)
    return report, time.perf_counter() - start


def engine_figures(cifar):
    times = {}
    for device in ('cpu', GPU):
        report, times[device] = timed_grade(CORRECT, device, skip_slow=True)
        print('engine, correct file, %d numeric checks on %s: %.1f s (cold runner), %.1f / %.0f points'
              % (len(report.checks), device, times[device], report.score, report.max_score), flush=True)
        if report.submission_error or report.score < report.max_score:
            print('  not full marks:', report.submission_error or [(c.id, c.message) for c in report.checks
                                                                   if c.status != 'passed'][:3])
    print('time per submission, numeric checks: %s / cpu = %.2f' % (GPU, times[GPU] / times['cpu']))
    report, took = timed_grade(CORRECT, GPU, only=['solver'], cifar_dir=cifar, train_time_limit_s=CLI_LIMIT_S)
    check = report.checks[0]
    print('training check on %s: %s, check wall time %.1f s for a %.0f s training limit (whole grading %.1f s)'
          % (GPU, check.status, check.duration_s, CLI_LIMIT_S, took))
    print('  ' + check.message)


def wait_graded(Session, ids, limit_s):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        with Session() as session:
            rows = [session.get(Submission, i) for i in ids]
        if all(r.status not in ('queued', 'running') for r in rows):
            return rows
        time.sleep(1)
    return rows


def service_figures(data, cifar):
    extra = {'AG_CIFAR_DIR': cifar, 'AG_TRAIN_TIME_LIMIT_S': str(SERVICE_LIMIT_S), 'AG_POOL_SIZE': '0'}
    proc, base, url = start_stack(data, free_port(), 2, None, extra)
    try:
        Session = make_sessionmaker(make_engine(url))
        enrol(Session, 2, True)
        ids = []
        for i, (name, source) in enumerate((('correct', CORRECT), ('device-buggy', BUGGY))):
            r = httpx.post(base + '/api/v1/assignments/convnet/submissions', headers=sign_in(base, i), timeout=60,
                           files={'files': ('convolutional_networks.py', ('# %s\n' % name + source).encode())})
            print('upload %s: HTTP %d' % (name, r.status_code), flush=True)
            ids.append(r.json()['id'])
        rows = wait_graded(Session, ids, 170)
        for name, row in zip(('correct', 'device-buggy'), rows):
            took = ((aware(row.finished_at) - aware(row.started_at)).total_seconds()
                    if row.finished_at and row.started_at else float('nan'))
            print('service, %s: %s %.1f / %.0f by %s in %.1f s' % (name, row.status, row.score or 0,
                                                                    row.max_score or 0, row.worker, took))
            with Session() as session:
                checks = session.scalars(select(CheckRow).where(CheckRow.submission_id == row.id)).all()
            bad = [c for c in checks if c.status != 'passed']
            print('  %d checks, %d not passed%s' % (len(checks), len(bad), ':' if bad else ''))
            for c in bad[:4]:
                print('   %s %s: %s' % (c.check_id, c.status, c.message[:160]))
            for c in checks:
                if c.component == 'solver':
                    print('   %s %s: %s' % (c.check_id, c.status, c.message[-90:]))
    finally:
        stop_stack(proc, 30)
        with open(os.path.join(data, 'stack.log')) as f:
            errors = [line for line in f if 'Traceback' in line or 'ERROR' in line]
        print('stack log: %d error lines%s' % (len(errors), (': ' + errors[0].strip()) if errors else ''))


def main():
    card = torch.cuda.get_device_name(0) if GPU == 'cuda' else 'none (dry run on the CPU)'
    print('card: %s; torch %s (CUDA %s); %d CPU cores' % (card, torch.__version__, torch.version.cuda,
                                                         os.cpu_count()), flush=True)
    data = tempfile.mkdtemp(prefix='gpu-check-')
    cifar = write_cifar10(os.path.join(data, 'cifar'), synthetic_pixels(5000, 1), synthetic_pixels(1000, 3))
    started = time.perf_counter()
    engine_figures(cifar)
    service_figures(data, cifar)
    print('gpu check done in %.0f s' % (time.perf_counter() - started))


if __name__ == '__main__':
    main()
