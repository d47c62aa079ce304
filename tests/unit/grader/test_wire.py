"""The zero-copy safetensors writer: what it writes, the safetensors library reads back exactly."""
import json
import os
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load

from grader.isolation.launch import Runner
from grader.runner import procedures, wire

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def roundtrip(tensors, metadata=None):
    size, parts = wire.encode(tensors, metadata)
    data = wire.to_bytes(size, parts)
    assert len(data) == size
    return data, load(data)


@pytest.mark.parametrize('dtype', list(wire.DTYPES))
def test_every_dtype_reads_back_bit_for_bit(dtype):
    source = torch.arange(-12, 12).reshape(2, 3, 4)
    tensor = source.to(dtype) if dtype != torch.bool else source > 0
    _, back = roundtrip({'t': tensor})
    assert back['t'].dtype == dtype and back['t'].shape == tensor.shape and torch.equal(back['t'], tensor)


def test_odd_shapes_views_and_metadata():
    base = torch.randn(6, 8, dtype=torch.float64)
    tensors = {'scalar': torch.tensor(3.5), 'empty': torch.zeros(0, 4), 'transposed': base.t(),
               'slice': base[2:5, ::3], 'grad': torch.ones(3, requires_grad=True) * 2, 'neg': torch.ones(2)._neg_view()}
    data, back = roundtrip(tensors, {'meta': json.dumps({'a': 1})})
    for name, tensor in tensors.items():
        assert torch.equal(back[name], tensor.detach()), name
    header = json.loads(data[8:8 + int.from_bytes(data[:8], 'little')])
    assert json.loads(header['__metadata__']['meta']) == {'a': 1}
    assert (8 + int.from_bytes(data[:8], 'little')) % 8 == 0          # data starts aligned


def test_buffers_share_the_tensors_memory():
    tensor = torch.zeros(1000, dtype=torch.float64)
    size, parts = wire.encode({'t': tensor})
    tensor[0] = 1.0                                       # no copy was made: the buffer sees the change
    assert load(wire.to_bytes(size, parts))['t'][0] == 1.0


def test_seed_gives_torch_manual_seeds_stream():
    torch.manual_seed(7)
    want = torch.randn(5)
    procedures.seed(7)
    assert torch.equal(torch.randn(5), want)


def test_room_is_the_free_space_of_the_command_pipe():
    r = Runner.__new__(Runner)
    read_end, r._cmd_w = os.pipe()
    try:
        empty = r.room()
        assert empty >= 4096
        os.write(r._cmd_w, b'x' * 1000)
        assert r.room() == empty - 1000
    finally:
        os.close(read_end)
        os.close(r._cmd_w)


def test_a_warm_heap_serves_big_tensors_without_page_faults():
    # in a child: mallopt changes the whole process
    code = '''
import resource, sys, torch
sys.path.insert(0, %r)
import main
def faults():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(5):
        torch.ones(1 << 20, dtype=torch.float64)           # 8 MiB, freed at once
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
cold = faults()
main.warm_heap(torch)
print(cold, faults())
''' % os.path.join(ROOT, 'grader', 'runner')
    cold, warm = map(int, subprocess.check_output([sys.executable, '-c', code]).split())
    assert cold > 2000 and warm < 200, (cold, warm)
