"""Fixtures for the attack corpus: strict sandbox, loopback servers, planted secrets."""
import os
import socket
import threading

import pytest

from tests.attacks import corpus, helpers


@pytest.fixture(autouse=True, params=sorted(helpers.ISOLATION))
def isolation(request):
    """Every attack runs twice: runners started by bubblewrap, and runners forked by the fork server."""
    helpers.CURRENT[0] = helpers.ISOLATION[request.param]
    yield request.param
    helpers.CURRENT[0] = helpers.STRICT


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
