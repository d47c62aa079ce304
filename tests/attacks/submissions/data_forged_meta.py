# where: conv_forward
# Replace the runner's own reply encoder (same process): the reply's metadata is then ours.
import json as _json, sys as _sys
_main = _sys.modules['__main__']
_MODE = '{mode}'

_orig = _main.encode_outputs

def _evil_encode(outputs, meta):
    from safetensors.torch import save as _save
    _main.encode_outputs = _orig                       # once: later checks get honest replies
    forged = {'devices': {'devices': {'out': 'no-such-device'}},
              'non_tensors': {'non_tensors': ['out']},
              'device_type': {'devices': ['cpu']}}[_MODE]
    return _save({k: outputs[k].contiguous() for k in ('out', 'x') if k != _MODE.replace('non_tensors', 'out')}, metadata={'meta': _json.dumps(forged)})

_main.encode_outputs = _evil_encode
print('ATTACK: encoder replaced (%s)' % _MODE)
