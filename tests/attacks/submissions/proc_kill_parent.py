# where: conv_forward
# Try to kill whatever started this process: the parent, pid 1, every process it may signal,
# and finally its own process group (which holds itself).
import os
import signal
for what, call in (('parent pid %d' % os.getppid(), lambda: os.kill(os.getppid(), signal.SIGKILL)),
                   ('pid 1', lambda: os.kill(1, signal.SIGKILL)),
                   ('every process (-1)', lambda: os.kill(-1, signal.SIGKILL))):
    try:
        call()
        outcome = 'no error'
    except OSError as exc:
        outcome = '%s: %s' % (type(exc).__name__, exc)
    print('ATTACK: kill parent: SIGKILL to %s -> %s; ppid now %d' % (what, outcome, os.getppid()), flush=True)
print('ATTACK: kill parent: still alive, now killing my own process group', flush=True)
os.killpg(0, signal.SIGKILL)
print('ATTACK: kill parent: survived killpg', flush=True)
