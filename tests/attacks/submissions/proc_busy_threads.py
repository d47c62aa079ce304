# where: conv_forward
# Four threads spin on the CPU (each stops after 30 s of wall clock) while the main thread waits for
# them. With lower_cpu_limit, the soft CPU limit is first lowered to 2 s more than used so far, to show
# that RLIMIT_CPU counts the CPU time of every thread; without it, only the check's timeout stops them.
import resource
import threading
import time
used = resource.getrusage(resource.RUSAGE_SELF)
used = int(used.ru_utime + used.ru_stime) + 1
soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
if {lower_cpu_limit}:
    soft = used + 2
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def spin():
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pass


threads = [threading.Thread(target=spin, daemon=True) for _ in range(4)]
for t in threads:
    t.start()
print('ATTACK: busy threads: 4 spinning, soft CPU limit %d s (hard %d s)' % (soft, hard), flush=True)
for t in threads:
    t.join()
print('ATTACK: busy threads: spun 30 s', flush=True)
