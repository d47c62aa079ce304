# where: conv_forward
# Open /dev/null up to 100000 times and keep every descriptor; report the count and the error.
import os
fds, error = [], None
try:
    for _ in range(100000):
        fds.append(os.open('/dev/null', os.O_RDONLY))
except OSError as exc:
    error = exc
print('ATTACK: fd exhaust: opened %d descriptors, then %s' % (len(fds), error or 'no error'), flush=True)
if error is not None:
    raise error
