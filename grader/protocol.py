"""Tensors across the runner boundary: safetensors bytes only, validated when read, never pickle."""
import json

from safetensors.torch import load, save


class ProtocolError(Exception):
    pass


def encode_inputs(tensors):
    return save({k: v.contiguous() for k, v in tensors.items()})


def decode_outputs(data):
    """(tensors, meta) from a runner's reply payload; ProtocolError when unusable."""
    try:
        tensors = load(data)
        header_len = int.from_bytes(data[:8], 'little')
        header = json.loads(data[8:8 + header_len])
        meta = json.loads(header.get('__metadata__', {}).get('meta', '{}'))
    except Exception as exc:       # any malformed payload is the runner's fault, not ours
        raise ProtocolError('unreadable outputs: %s' % exc) from None
    if not isinstance(meta, dict):
        raise ProtocolError('unreadable outputs: metadata is not an object')
    return tensors, meta
