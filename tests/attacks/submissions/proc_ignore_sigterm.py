# where: conv_forward
# Ignore every polite signal, leave a child `sleep {marker}` behind that ignores them too (ignored
# signals stay ignored across exec), and sleep far past the check's timeout.
import os
import signal
import subprocess
import time
for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGALRM):
    signal.signal(sig, signal.SIG_IGN)
child = subprocess.Popen(['/usr/bin/sleep', '{marker}'])
os.kill(os.getpid(), signal.SIGTERM)
print('ATTACK: ignore sigterm: survived my own SIGTERM; child sleep pid %d; now sleeping' % child.pid, flush=True)
for _ in range(60):
    time.sleep(1)
print('ATTACK: ignore sigterm: still alive after 60 s', flush=True)
