"""Fixtures for the attack corpus: strict sandbox, loopback servers, planted secrets."""
import os
import pwd
import socket
import subprocess
import threading

import pytest

from grader.catalog import get_profile
from grader.engine import grade
from grader.isolation import teardown
from grader.isolation.pool import WarmPool
from tests.attacks import corpus
from tests.conftest import RUNNER_KINDS

ISOLATION = RUNNER_KINDS
STRICT = ISOLATION['bwrap']
_CURRENT = [STRICT]
PROFILE = get_profile('eecs498')
# Two fast checks: the attacked one (Conv.forward) and one the attack does not touch.
ATTACKED = 'conv_forward.s1_p0'
UNTOUCHED = 'maxpool_forward.3x3_s2_overlap'


_POOLS = {}


@pytest.fixture(autouse=True, params=sorted(ISOLATION))
def isolation(request):
    """Every attack runs twice: runners started by bubblewrap, and runners forked by the fork server."""
    _CURRENT[0] = ISOLATION[request.param]
    yield request.param
    _CURRENT[0] = STRICT


def warm_pool():
    """The warm pool every attack goes through: isolation must hold with it on (issue 6)."""
    config = _CURRENT[0]
    if config not in _POOLS:
        _POOLS[config] = WarmPool(config, 'cpu', size=2)
    return _POOLS[config]


def grade_strict(source, only=(ATTACKED, UNTOUCHED), **kwargs):
    """grade() in the current isolation, returning once the runner's teardown (a thread) has finished too."""
    kwargs.setdefault('timeout_cap_s', 10)
    kwargs.setdefault('pool', warm_pool())
    report = grade(source, PROFILE, only=list(only), sandbox=_CURRENT[0], **kwargs)
    assert teardown.wait_all(timeout_s=10), 'a runner was not torn down within 10 s'
    return report


def by_id(report):
    return {c.id: c for c in report.checks}


def leftover_processes(marker):
    """Live processes of the sandbox user whose command line holds `marker` (a unique string the
    attack puts there). Zombies are dead, only waiting for the host's init to reap them."""
    uid = pwd.getpwnam('sandbox').pw_uid
    out = subprocess.run(['ps', '-o', 'pid=,stat=,args=', '-u', str(uid)], capture_output=True, text=True)
    return [line for line in out.stdout.strip().splitlines()
            if marker in line and line.split()[1][0] != 'Z']


@pytest.fixture
def attack():
    """attack(name, **fill) -> source bytes of that attack submission."""
    return corpus.build


class LoopbackServer:
    """A TCP or UDP server on 127.0.0.1 that counts what reaches it (bounded: stops with the test)."""

    def __init__(self, kind=socket.SOCK_STREAM):
        self.sock = socket.socket(socket.AF_INET, kind)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._stop = threading.Event()
        if kind == socket.SOCK_STREAM:
            self.sock.listen(8)
        self._thread = threading.Thread(target=self._serve, args=(kind,), daemon=True)
        self._thread.start()

    def _serve(self, kind):
        while not self._stop.is_set():
            try:
                if kind == socket.SOCK_STREAM:
                    conn, _ = self.sock.accept()
                    conn.close()
                else:
                    self.sock.recvfrom(4096)
                self.hits += 1
            except (socket.timeout, OSError):
                continue

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def tcp_server():
    server = LoopbackServer(socket.SOCK_STREAM)
    yield server
    server.close()


@pytest.fixture
def udp_server():
    server = LoopbackServer(socket.SOCK_DGRAM)
    yield server
    server.close()


@pytest.fixture
def planted_secret(tmp_path):
    """A world-readable file holding a unique token, outside anything the sandbox mounts."""
    token = 'SECRET-%s' % os.urandom(8).hex()
    folder = tmp_path / 'planted'
    folder.mkdir()
    os.chmod(tmp_path, 0o755)
    os.chmod(folder, 0o755)
    path = folder / 'secret.txt'
    path.write_text(token)
    os.chmod(path, 0o644)
    return path, token
