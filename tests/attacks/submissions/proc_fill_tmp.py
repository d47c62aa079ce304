# where: conv_forward
# Fill /tmp with 16 MiB files (1 MiB writes, at most 1024 of them) named after {marker}, until an error.
import os
print('ATTACK: fill tmp: /tmp held %r at the start' % sorted(os.listdir('/tmp')), flush=True)
os.makedirs('/tmp/{marker}', exist_ok=True)
written, error = 0, None
block = b'\0' * (1 << 20)
try:
    for i in range(1024):
        with open('/tmp/{marker}/fill-%03d' % (i // 16), 'ab') as f:
            f.write(block)
        written += 1
except OSError as exc:
    error = exc
print('ATTACK: fill tmp: wrote %d MiB to /tmp/{marker}, then %s' % (written, error or 'no error'), flush=True)
if error is not None:
    raise error
