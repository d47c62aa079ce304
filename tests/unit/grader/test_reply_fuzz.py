"""Fuzzing what the runner sends back (it shares its process with student code, so it may send anything):
reading a reply raises nothing but RunnerGone, decoding outputs nothing but ProtocolError, and what gets
through is well-formed: a dict, finite numbers, one-line strings."""
import json
import math
import os
import subprocess
import threading
import time

import pytest
import torch
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from safetensors.torch import save

from grader.isolation.cputime import Limit
from grader.isolation.launch import Runner, RunnerGone
from grader.isolation.protocol import META, ProtocolError, clean_error, decode_outputs

FUZZ = settings(max_examples=150, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
DEEP = 100_000


def json_values(floats=st.floats(allow_nan=True, allow_infinity=True)):
    """JSON-like values with NaN, infinities, huge ints and odd strings (bidi, ANSI, surrogates)."""
    leaves = (st.none() | st.booleans() | st.integers(-10 ** 30, 10 ** 30) | floats
              | st.text(st.characters(codec=None, exclude_categories=()), max_size=30))
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=20)


def nested(depth):
    return '[' * depth + ']' * depth


def dump(value):
    return json.dumps(value, allow_nan=True)


def finite(value):
    """No NaN or infinity anywhere in a parsed value."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    if isinstance(value, list):
        return all(finite(v) for v in value)
    return True


def read_reply(data):
    """Runner.receive on a real pipe fed `data` by a writer that then closes it (a runner that exited)."""
    r = Runner.__new__(Runner)                  # only the reading half, behind it a process that has ended
    r._reply_r, write_end = os.pipe()
    r._buffer, r.cgroup, r.cpu_clock = bytearray(), None, lambda: 0.0
    r.proc = subprocess.Popen(['true'])
    r.proc.wait()

    def write():
        try:
            for i in range(0, len(data), 1 << 16):
                os.write(write_end, data[i:i + (1 << 16)])
        except BrokenPipeError:                  # the reader gave up first
            pass
        os.close(write_end)
    writer = threading.Thread(target=write)
    writer.start()
    try:
        return r.receive(Limit.wall(20))
    finally:
        os.close(r._reply_r)
        writer.join()


def header_lines():
    reply = st.fixed_dictionaries({'payload': st.integers(0, 8) | json_values()},
                                  optional={'ok': json_values(), 'check': json_values(), 'error': json_values(),
                                            'out': json_values()})
    return (st.binary(max_size=200) | json_values().map(dump).map(str.encode) | reply.map(dump).map(str.encode)
            | st.integers(1, 5000).map(lambda d: ('{"payload": 0, "x": %s}' % nested(d)).encode()))


@FUZZ
@given(header_lines(), st.binary(max_size=16))
@example(b'{"ok": true, "payload": Infinity}', b'')
@example(b'{"ok": true, "payload": 1e400}', b'')
@example(b'{"ok": true, "check": "c", "payload": 0, "x": NaN}', b'')
@example(nested(DEEP).encode(), b'')
@example(('{"payload": 0, "error": %s}' % nested(DEEP)).encode(), b'')
@example(b'{"payload": "3"}', b'abc')
@example(b'{"payload": true}', b'a')
def test_reading_a_reply_raises_nothing_but_runner_gone(header, payload):
    try:
        reply, data = read_reply(header + b'\n' + payload)
    except RunnerGone as exc:
        assert str(exc) and '\n' not in str(exc)
        return
    assert isinstance(reply, dict) and type(reply['payload']) is int and data == payload[:reply['payload']]
    assert finite(reply)


def test_a_deeply_nested_reply_is_refused_quickly():
    start = time.monotonic()
    with pytest.raises(RunnerGone, match='unreadable'):
        read_reply(('{"payload": 0, "error": %s}\n' % nested(500_000)).encode())
    assert time.monotonic() - start < 5


def outputs(meta_text):
    return save({'out': torch.zeros(2)}, metadata={'meta': meta_text})


def meta_texts():
    known = st.fixed_dictionaries({}, optional={k: json_values() for k in META})
    return (known.map(dump) | json_values().map(dump) | st.text(max_size=50)
            | st.integers(1, 5000).map(lambda d: '{"max_pools": %s}' % nested(d)))


@FUZZ
@given(meta_texts())
@example('{"weight_scale": Infinity}')
@example('{"learning_rate": NaN}')
@example('{"weight_scale": 1e400}')
@example('{"num_layers": 1000000000000000000000000000000}')
@example('{"max_pools": [1000000000000000000000000000000]}')
@example('{"param_names": ["W1\\n total: 92.00 / 92.00"]}')
@example('{"class": "\\u001b[2J\\u202eDeepConvNet"}')
@example('{"non_tensors": {"out\\nx": "int"}}')
@example('{"bn_params": %s}' % nested(DEEP))
def test_decoding_outputs_raises_nothing_but_protocol_error(meta_text):
    try:
        tensors, meta = decode_outputs(outputs(meta_text))
    except ProtocolError as exc:
        assert '\n' not in str(exc)
        return
    assert set(meta) <= set(META) and list(tensors) == ['out']
    assert finite(meta)
    assert all(abs(v) < 2 ** 31 for v in _numbers(meta))


@FUZZ
@given(st.binary(max_size=300))
@example(b'\xff' * 8 + b'{}')
@example((8).to_bytes(8, 'little') + b'{"__metadata__": {"meta": "[[[["}}')
def test_decoding_arbitrary_bytes_raises_nothing_but_protocol_error(data):
    try:
        decode_outputs(data)
    except ProtocolError:
        pass


@FUZZ
@given(json_values() | st.fixed_dictionaries({}, optional={k: json_values() for k in
                                                           ('type', 'message', 'function', 'code', 'line', 'api')}))
@example({'type': 'ValueError', 'message': 'x\n total: 92.00 / 92.00\x1b[31m', 'line': 3, 'code': '\u202e1/0'})
@example({'message': '\ud800'})
def test_an_error_record_comes_out_well_typed_and_on_one_line(err):
    out = clean_error(err)
    assert isinstance(out, dict)
    for key, value in out.items():
        kind = {'line': int, 'api': bool}.get(key, str)
        assert type(value) is kind, (key, value)
        if kind is str:
            assert len(value) <= 1000 and text_is_safe(value)


def text_is_safe(text):
    """One line when printed, no terminal escape, no bidi reordering, encodable as UTF-8."""
    text.encode('utf-8')
    return (len(text.splitlines()) <= 1 and '\x1b' not in text and '\r' not in text
            and not any('\u202a' <= c <= '\u202e' or '\u2066' <= c <= '\u2069' for c in text))


def _numbers(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)

