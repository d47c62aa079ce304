"""Reading a runner's reply: one that arrived in time is read even when the grader comes back to it late
(it was scoring the previous check); an empty pipe past the limit is a timeout."""
import json
import os
import time

import pytest

from grader.isolation.cputime import Limit
from grader.isolation.launch import READ_GRACE_S, Runner, RunnerTimeout


@pytest.fixture
def runner():
    r = Runner.__new__(Runner)                 # only the reading half: no process behind it
    r._reply_r, write_end = os.pipe()
    r._buffer = bytearray()
    r.cpu_clock = lambda: 0.0
    yield r, write_end
    os.close(r._reply_r)
    os.close(write_end)


def reply(fd, payload=b'abc'):
    os.write(fd, json.dumps({'ok': True, 'check': 'c', 'payload': len(payload)}).encode() + b'\n' + payload)


def test_a_reply_waiting_in_the_pipe_is_read_after_the_limit(runner):
    r, w = runner
    reply(w)
    got, payload = r.receive(Limit.wall(-0.5))
    assert got['check'] == 'c' and payload == b'abc'


def test_an_empty_pipe_past_the_limit_times_out_at_once(runner):
    r, _ = runner
    start = time.monotonic()
    with pytest.raises(RunnerTimeout):
        r.receive(Limit.wall(-0.5))
    assert time.monotonic() - start < 0.5


def test_no_reply_at_all_times_out_at_the_limit(runner):
    r, _ = runner
    start = time.monotonic()
    with pytest.raises(RunnerTimeout):
        r.receive(Limit.wall(0.3))
    assert 0.29 <= time.monotonic() - start < 0.3 + READ_GRACE_S
