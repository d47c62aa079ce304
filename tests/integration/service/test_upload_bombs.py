"""Issue 13, hole 4: what one request may cost the web process. Crafted zips (a bzip2 bomb whose header lies,
LZMA, a deflate bomb, corrupt and truncated archives, a flood of directory entries) are refused with a 4xx and
a sentence while the uvicorn process's peak memory stays put; huge bodies are refused before they are read,
and an upload's caller is known before its body is. Real uvicorn on 127.0.0.1; the zips are built here."""
import os
import select
import socket
import threading
import time
import zipfile
from datetime import datetime, timezone

import httpx
import pytest

from app.accounts.security import hash_password
from app.core.models import User
from tests.integration.service.crafted_zips import (MIB, corrupt_stream, declare_size, directory_flood, mark_encrypted,
                                                    one_member, streamed_member)
from tests.integration.service.helpers import sessions, token

pytestmark = pytest.mark.slow
UPLOAD = '/api/v1/assignments/convnet/submissions'


# ---- the web process's memory, from /proc

def server_pid(base):
    port = base.rsplit(':', 1)[1].encode()
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            with open('/proc/%s/cmdline' % pid, 'rb') as f:
                args = f.read().split(b'\0')
        except OSError:
            continue
        if b'uvicorn' in args and port in args:
            return int(pid)
    raise AssertionError('no uvicorn process serves port %s' % port.decode())


def memory_kib(pid, field):
    with open('/proc/%d/status' % pid) as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ':'))


def peak_growth_mib(pid, send):
    """(response, how far the process's peak RSS rose above its RSS before `send()`, in MiB)."""
    with open('/proc/%d/clear_refs' % pid, 'w') as f:
        f.write('5')                                   # the peak (VmHWM) starts again from the current RSS
    before = memory_kib(pid, 'VmRSS')
    response = send()
    return response, (memory_kib(pid, 'VmHWM') - before) / 1024.0


def upload_zip(base, headers, data):
    return httpx.post(base + UPLOAD, headers=headers, files={'files': ('hw.zip', data, 'application/zip')},
                      timeout=60)


def test_crafted_zips_are_refused_with_a_reason_and_cost_the_web_process_little(api):
    source = b'x = 1\n' * 20
    cases = [
        ('bzip2 bomb, 256 MiB declared as 100 bytes',
         declare_size(streamed_member(zipfile.ZIP_BZIP2, 256 * MIB), 100), 'bzip2'),
        ('LZMA member', one_member(source, zipfile.ZIP_LZMA), 'LZMA'),
        ('deflate bomb, 64 MiB declared as 1000 bytes', declare_size(streamed_member(zipfile.ZIP_DEFLATED, 64 * MIB),
                                                                     1000), 'not a readable zip file'),
        ('deflate bomb, 64 MiB declared honestly', streamed_member(zipfile.ZIP_DEFLATED, 64 * MIB), 'too large'),
        ('member declared larger than it is', declare_size(one_member(source), 1000), 'declares 1000 bytes'),
        ('garbage deflate stream', corrupt_stream(one_member(source * 50)), 'not a readable zip file'),
        ('truncated archive', one_member(source)[:-30], 'not a readable zip file'),
        ('encrypted member', mark_encrypted(one_member(source, zipfile.ZIP_STORED)), 'encrypted'),
        ('95 000 directory entries', directory_flood(95000), 'members'),
    ]
    student = token(api, 'student@example.com')
    pid = server_pid(api)
    growth = {}
    for what, data, reason in cases:
        r, growth[what] = peak_growth_mib(pid, lambda: upload_zip(api, student, data))
        print('%-46s %6d bytes -> %d, peak +%.1f MiB' % (what, len(data), r.status_code, growth[what]))
        assert r.status_code == 422, '%s: %d %s' % (what, r.status_code, r.text[:200])
        assert reason in r.json()['error'], (what, r.json())
    assert max(growth.values()) < 48, growth
    # nothing was stored, no rate-limit token spent, and an honest zip still goes through
    assert httpx.get(api + '/api/v1/me/submissions', headers=student).json()['count'] == 0
    r = upload_zip(api, student, one_member(source))
    assert r.status_code == 202, r.text


# ---- bodies refused before they are read

def raw_exchange(base, head, body=b'', chunks=0, wait=5.0):
    """Send `head` and `body` (then up to `chunks` chunks of 64 KiB while no answer came) over a raw socket;
    -> (status, response text, bytes of body sent, whether the server closed the connection)."""
    host, port = base.split('//')[1].split(':')
    sock = socket.create_connection((host, int(port)), timeout=wait)
    sent = len(body)
    try:
        sock.sendall(head.encode() + b'\r\n' + body)
        chunk = b'a' * 65536
        for _ in range(chunks):                       # bounded: at most chunks * 64 KiB
            if select.select([sock], [], [], 0)[0]:
                break
            try:
                sock.sendall(b'%x\r\n' % len(chunk) + chunk + b'\r\n')
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        answer, closed, deadline = b'', False, time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                part = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not part:
                closed = True
                break
            answer += part
    finally:
        sock.close()
    if not answer:
        pytest.fail('no answer within %.0f s: the server is waiting for (reading) the body' % wait)
    return int(answer.split(b' ', 2)[1]), answer.decode('latin-1'), sent, closed


def head(method, path, length=None, content_type='application/x-www-form-urlencoded', extra=''):
    lines = ['%s %s HTTP/1.1' % (method, path), 'Host: 127.0.0.1', 'Content-Type: ' + content_type]
    lines.append('Content-Length: %d' % length if length is not None else 'Transfer-Encoding: chunked')
    return '\r\n'.join(lines + ([extra] if extra else [])) + '\r\n'


def test_huge_bodies_are_refused_before_they_are_read(api):
    # a declared length over the cap: 413 at once, the connection closed, the body never read
    status, text, sent, closed = raw_exchange(api, head('POST', '/login', 100 * MIB), b'username=a&password=')
    assert status == 413 and closed and 'larger than' in text
    status, text, _, closed = raw_exchange(api, head('PUT', '/api/v1/assignments/convnet/extensions/a@b.c',
                                                     100 * MIB, 'application/json'), b'{"due_at": "')
    assert status == 413 and closed and '{"error":' in text and 'larger than' in text
    # no declared length (chunked): counted as it streams, refused once past the cap
    status, text, sent, closed = raw_exchange(api, head('POST', '/api/v1/auth/token'), b'', chunks=1024)
    assert status == 413 and closed and sent < 16 * MIB, (status, sent)
    status, text, sent, _ = raw_exchange(api, head('POST', '/api/v1/auth/password', None, 'application/json',
                                                   extra='Authorization: Bearer forged'), b'', chunks=1024)
    assert status == 413 and sent < 16 * MIB
    # what the parser refuses is answered in the API's own form, never a 500
    r = httpx.put(api + '/api/v1/assignments/convnet/extensions/a@b.c', content='[' * 200000 + ']' * 200000,
                  headers={'Content-Type': 'application/json'})
    assert r.status_code == 400 and 'error parsing the body' in r.json()['error'], r.text[:300]
    r = httpx.post(api + '/api/v1/auth/token', content=b'&'.join(b'f%d=1' % i for i in range(2000)),
                   headers={'Content-Type': 'application/x-www-form-urlencoded'})
    assert r.status_code == 400 and 'Too many fields' in r.json()['error']
    assert httpx.get(api + '/api/v1/nowhere').json() == {'error': 'Not Found'}
    # an upload may be larger, up to the upload cap
    status, text, _, closed = raw_exchange(api, head('POST', UPLOAD, 50 * MIB, 'multipart/form-data; boundary=b'))
    assert status == 413 and closed and 'the upload is larger than' in text
    assert httpx.get(api + '/healthz').status_code == 200


def stranger(env):
    with sessions(env)() as session:
        session.add(User(email='stranger@example.com', name='S', role='student', password_hash=hash_password('demo'),
                         created_at=datetime.now(timezone.utc)))
        session.commit()


def test_an_uploads_caller_is_known_before_its_body_is_read(api, service_env):
    multipart = 'multipart/form-data; boundary=b'
    status, text, _, _ = raw_exchange(api, head('POST', UPLOAD, 7 * MIB, multipart))
    assert status == 401 and 'not signed in' in text                    # anonymous, under the cap: no body read
    status, text, _, _ = raw_exchange(api, head('POST', '/assignments/convnet/upload', 7 * MIB, multipart))
    assert status == 303 and 'location: /login' in text.lower()
    stranger(service_env)
    bearer = token(api, 'stranger@example.com')['Authorization']
    status, text, _, _ = raw_exchange(api, head('POST', UPLOAD, 7 * MIB, multipart,
                                                extra='Authorization: ' + bearer))
    assert status == 403 and 'not enrolled' in text


def test_a_burst_of_sign_ins_costs_a_bounded_amount_of_memory(api):
    """Each password check takes argon2's 64 MiB: 24 wrong sign-ins at once must not take 24 times that."""
    statuses = []

    def sign_in(i):
        statuses.append(httpx.post(api + '/api/v1/auth/token', data={'username': 'nobody%d@example.com' % i,
                                                                     'password': 'wrong'}, timeout=120).status_code)

    def burst():
        threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(24)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    _, growth = peak_growth_mib(server_pid(api), burst)
    print('24 sign-ins at once: peak +%.1f MiB' % growth)
    assert statuses == [401] * 24 and growth < 384, growth
