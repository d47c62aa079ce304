# where: conv_forward
# Print 1 MiB lines, up to 4096 of them (4 GiB); report on stderr how far it got, then re-raise.
import sys
line = 'x' * ((1 << 20) - 1)
written = 0
try:
    for _ in range(4096):
        print(line)
        written += 1
except BaseException as exc:
    sys.stderr.write('ATTACK: print flood stopped after %d MiB: %s: %s\n' % (written, type(exc).__name__, exc))
    sys.stderr.flush()
    raise
sys.stderr.write('ATTACK: print flood wrote all 4 GiB\n')
