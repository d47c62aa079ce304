# where: conv_forward
# Ask for 8 GiB in one go (untouched): less than the machine has, more than RLIMIT_AS allows.
import resource
import torch
try:
    huge = torch.empty(1 << 30, dtype=torch.float64)
except BaseException as exc:
    limit = resource.getrlimit(resource.RLIMIT_AS)[0] >> 20
    print('ATTACK: address space: 8 GiB refused (RLIMIT_AS %d MiB): %s: %s'
          % (limit, type(exc).__name__, str(exc)[:200]), flush=True)
    raise
print('ATTACK: address space: got 8 GiB', flush=True)
