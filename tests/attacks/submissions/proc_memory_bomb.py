# where: conv_forward
# Touch 256 MiB more memory each round, up to 64 rounds (16 GiB), reporting progress as it goes.
import time
import torch
start = time.monotonic()
hoard = []
for i in range(64):
    try:
        hoard.append(torch.ones(32 << 20, dtype=torch.float64))
    except BaseException as exc:
        print('ATTACK: memory bomb: allocation refused after %d MiB: %s: %s'
              % (256 * i, type(exc).__name__, str(exc)[:120]), flush=True)
        raise
    print('ATTACK: memory bomb holds %d MiB after %.1f s' % (256 * (i + 1), time.monotonic() - start), flush=True)
print('ATTACK: memory bomb got all 16 GiB', flush=True)
