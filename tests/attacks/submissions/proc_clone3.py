# where: conv_forward
# clone3 with CLONE_NEWUSER: its flags sit in memory, where a seccomp filter cannot look, so clone3 must fail
# with ENOSYS (libc then falls back to clone, whose flags the filter checks).
import ctypes
import os
libc = ctypes.CDLL(None, use_errno=True)
args = (ctypes.c_uint64 * 11)(0x10000000, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0)   # flags, ..., exit_signal SIGCHLD
rc = libc.syscall(435, ctypes.byref(args), ctypes.sizeof(args))           # SYS_clone3
if rc == 0:
    with open('/proc/self/status') as f:
        caps = [l.split()[1] for l in f if l.startswith('CapEff')][0]
    print('ATTACK: clone3: child in a new user namespace, CapEff %s' % caps, flush=True)
    os._exit(0)
if rc > 0:
    os.waitpid(rc, 0)
print('ATTACK: clone3 returned %d errno %d' % (rc, ctypes.get_errno()), flush=True)
import threading
_t = threading.Thread(target=lambda: None)
_t.start()
_t.join()
print('ATTACK: clone3: threads still start', flush=True)
