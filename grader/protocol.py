"""Tensors across the runner boundary: safetensors only, size-capped, no symlinks followed."""
import json
import os

from safetensors.torch import load, save_file

MAX_OUTPUT_BYTES = 256 * 1024 * 1024


class ProtocolError(Exception):
    pass


def write_inputs(path, tensors):
    save_file({k: v.contiguous() for k, v in tensors.items()}, path)


def read_outputs(path, max_bytes=MAX_OUTPUT_BYTES):
    """(tensors, meta) from a runner's output file; ProtocolError when unusable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as exc:
        raise ProtocolError('no output file (%s)' % exc.strerror) from None
    with os.fdopen(fd, 'rb') as f:
        if os.fstat(f.fileno()).st_size > max_bytes:
            raise ProtocolError('outputs larger than %d MiB' % (max_bytes >> 20))
        data = f.read(max_bytes + 1)
    try:
        tensors = load(data)
        header_len = int.from_bytes(data[:8], 'little')
        header = json.loads(data[8:8 + header_len])
        meta = json.loads(header.get('__metadata__', {}).get('meta', '{}'))
    except Exception as exc:       # any malformed file is the runner's fault, not ours
        raise ProtocolError('unreadable outputs: %s' % exc) from None
    if not isinstance(meta, dict):
        raise ProtocolError('unreadable outputs: metadata is not an object')
    return tensors, meta
