# where: conv_forward
# Spin forever (bounded here at 60 s of wall clock so a broken grader cannot hang the test run).
import time
print('ATTACK: infinite loop starts', flush=True)
deadline = time.monotonic() + 60
spins = 0
while time.monotonic() < deadline:
    spins += 1
print('ATTACK: infinite loop survived 60 s (%d spins)' % spins, flush=True)
