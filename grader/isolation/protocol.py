"""What crosses the runner boundary: safetensors bytes and small JSON records, all validated
when read (the runner shares its process with student code, so it may say anything), never pickle."""
import json
import math
import re

import torch
from safetensors.torch import load

from ..runner import wire
from ..text import one_line

MAX_DEPTH = 16                 # our records nest 3 deep; deeper is refused before the parser recurses
MAX_JSON_BYTES = 64 << 10      # a reply line or the outputs' metadata: ours are a few KiB at most
MAX_HEADER_BYTES = 1 << 20     # the safetensors header (tensor names, dtypes, shapes): ours are ~10 KiB
_ESCAPED = re.compile(rb'\\.', re.DOTALL)        # a backslash and what it escapes
_STRING = re.compile(rb'"[^"]*"')                 # a string, once escapes are gone: linear, no backtracking
_BRACKET = re.compile(rb'[\[\]{}]')

# meta key -> validator; anything else in the runner's metadata is dropped
_STR = (str,)


def _str_map(value):
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def _str_list(value):
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _number(value):
    """A finite number of sane size (a huge int or an infinity breaks the arithmetic it goes into)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) if isinstance(value, float) else abs(value) < 2 ** 31


def _count(value):
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1000


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
    'param_roles': _str_list,
    'grad_names': _str_list,
    'class': lambda v: isinstance(v, str),
    'bn_params': _count,
    'num_layers': _count,
    'batchnorm': lambda v: isinstance(v, bool),
    'max_pools': lambda v: isinstance(v, list) and len(v) < 1000 and all(_count(i) for i in v),
    'weight_scale': _number,
    'learning_rate': _number,
}
ERROR_FIELDS = {'type': str, 'message': str, 'function': str, 'code': str, 'line': int, 'api': bool}


class ProtocolError(Exception):
    pass


def _refuse(token):
    raise ValueError('%s is not JSON' % token)


def _finite(text):
    value = float(text)
    if not math.isfinite(value):
        _refuse(text)
    return value


def read_json(data, max_depth=MAX_DEPTH, max_bytes=MAX_JSON_BYTES):
    """Strict JSON from the runner (bytes or str): at most max_bytes, no NaN or Infinity (not even as 1e400), at
    most max_depth nested arrays and objects (counted in linear time, outside strings, before parsing).
    ValueError (with a reason) for anything else it could not read."""
    try:
        raw = data.encode('utf-8', 'surrogatepass') if isinstance(data, str) else bytes(data)
        if len(raw) > max_bytes:
            raise ValueError('longer than %d bytes' % max_bytes)
        depth = 0
        for token in _BRACKET.findall(_STRING.sub(b'', _ESCAPED.sub(b'', raw))):
            depth += 1 if token in b'[{' else -1
            if depth > max_depth:
                raise ValueError('nested deeper than %d' % max_depth)
        return json.loads(raw, parse_constant=_refuse, parse_float=_finite)
    except ValueError:
        raise
    except Exception as exc:       # RecursionError, MemoryError, ...: unreadable all the same
        raise ValueError(type(exc).__name__) from None


def encode_inputs(tensors):
    """(size, buffers) of the inputs in safetensors form, sharing the tensors' memory."""
    return wire.encode(tensors)


def decode_outputs(data):
    """(tensors, meta) from a runner's reply payload; ProtocolError when unusable."""
    try:
        header_len = int.from_bytes(data[:8], 'little')
        if header_len > MAX_HEADER_BYTES:
            raise ValueError('a header of %d bytes; at most %d' % (header_len, MAX_HEADER_BYTES))
        tensors = load(data)
        header = read_json(data[8:8 + header_len], max_bytes=MAX_HEADER_BYTES)
        meta = read_json(header.get('__metadata__', {}).get('meta', '{}'))
    except Exception as exc:       # any malformed payload is the runner's fault, not ours
        raise ProtocolError('unreadable outputs: %s' % one_line(exc, 200)) from None
    if not isinstance(meta, dict):
        raise ProtocolError('unreadable outputs: metadata is not an object')
    bad = [k for k, check in META.items() if k in meta and not check(meta[k])]
    if bad:
        raise ProtocolError('unreadable outputs: malformed %s' % ', '.join(sorted(bad)))
    return tensors, {k: v for k, v in meta.items() if k in META}


def clean_error(err):
    """An error record from the runner with only well-typed fields, strings on one line and cut to size."""
    if not isinstance(err, dict):
        return {'type': 'Error', 'message': 'the runner reported an unreadable error'}
    out = {}
    for key, kind in ERROR_FIELDS.items():
        value = err.get(key)
        if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
            out[key] = one_line(value, 1000) if isinstance(value, str) else value
    return out
