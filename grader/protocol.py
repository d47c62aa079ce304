"""What crosses the runner boundary: safetensors bytes and small JSON records, all validated
when read (the runner shares its process with student code, so it may say anything), never pickle."""
import json

import torch
from safetensors.torch import load

from .runner import wire

# meta key -> validator; anything else in the runner's metadata is dropped
_STR = (str,)


def _str_map(value):
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _str_list(value):
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _devices(value):
    if not _str_map(value):
        return False
    try:
        for device in value.values():
            torch.device(device)
    except (RuntimeError, ValueError):
        return False
    return True


META = {
    'devices': _devices,
    'non_tensors': _str_map,
    'param_names': _str_list,
    'grad_names': _str_list,
    'class': lambda v: isinstance(v, str),
    'bn_params': lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 1000,
    'num_layers': lambda v: isinstance(v, int) and not isinstance(v, bool),
    'batchnorm': lambda v: isinstance(v, bool),
    'max_pools': lambda v: isinstance(v, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in v),
    'weight_scale': lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    'learning_rate': lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}
ERROR_FIELDS = {'type': str, 'message': str, 'function': str, 'code': str, 'line': int, 'api': bool}


class ProtocolError(Exception):
    pass


def encode_inputs(tensors):
    """(size, buffers) of the inputs in safetensors form, sharing the tensors' memory."""
    return wire.encode(tensors)


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
    bad = [k for k, check in META.items() if k in meta and not check(meta[k])]
    if bad:
        raise ProtocolError('unreadable outputs: malformed %s' % ', '.join(sorted(bad)))
    return tensors, {k: v for k, v in meta.items() if k in META}


def clean_error(err):
    """An error record from the runner with only well-typed fields, strings cut to size."""
    if not isinstance(err, dict):
        return {'type': 'Error', 'message': 'the runner reported an unreadable error'}
    out = {}
    for key, kind in ERROR_FIELDS.items():
        value = err.get(key)
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            out[key] = value[:1000] if isinstance(value, str) else value
    return out
