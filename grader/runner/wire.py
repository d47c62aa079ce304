"""safetensors encoding without copies: a header, then each tensor's own memory as a buffer.

Both sides write with it (the runner its outputs, the grader its inputs); the grader reads replies
with the safetensors library, which validates them. Torch and numpy only: the runner imports it.
"""
import json

import torch

DTYPES = {torch.float64: 'F64', torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16',
          torch.int64: 'I64', torch.int32: 'I32', torch.int16: 'I16', torch.int8: 'I8', torch.uint8: 'U8',
          torch.bool: 'BOOL'}


def encode(tensors, metadata=None):
    """(size, [buffers]) whose concatenation is the safetensors file of {name: tensor}. The buffers
    share memory with the tensors: write them before changing the tensors."""
    header, parts, offset = {}, [], 0
    for name, tensor in tensors.items():
        tensor = tensor.detach().to('cpu').resolve_conj().resolve_neg().contiguous()
        size = tensor.numel() * tensor.element_size()
        header[name] = {'dtype': DTYPES[tensor.dtype], 'shape': list(tensor.shape),
                        'data_offsets': [offset, offset + size]}
        if size:
            parts.append(memoryview(tensor.reshape(-1).view(torch.uint8).numpy()))
        offset += size
    if metadata:
        header['__metadata__'] = metadata
    head = json.dumps(header, separators=(',', ':')).encode()
    head += b' ' * (-len(head) % 8)                 # the format's padding: data starts 8-byte aligned
    parts.insert(0, len(head).to_bytes(8, 'little') + head)
    return 8 + len(head) + offset, parts


def to_bytes(size, parts):
    """encode()'s result as one bytes object."""
    return b''.join(parts)
