"""Real services for the service tests: a throwaway PostgreSQL server (as the postgres user)."""
import glob
import os
import shutil
import socket
import subprocess
import tempfile

import pytest


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _pg_bin():
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/initdb'))
    if not found:
        raise RuntimeError('PostgreSQL is not installed (apt-get install postgresql; .ci/run does it)')
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
