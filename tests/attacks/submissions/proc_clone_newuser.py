# where: conv_forward
# clone(CLONE_NEWUSER) through the raw system call (unshare is filtered, clone was not): the child would hold
# every capability in its new user namespace. The seccomp filter kills the process.
import ctypes
import os
libc = ctypes.CDLL(None, use_errno=True)
print('ATTACK: clone_newuser: calling clone(CLONE_NEWUSER)', flush=True)
rc = libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0)          # SYS_clone, CLONE_NEWUSER | SIGCHLD
if rc == 0:
    with open('/proc/self/status') as f:
        caps = [l.split()[1] for l in f if l.startswith('CapEff')][0]
    print('ATTACK: clone_newuser: child in a new user namespace, CapEff %s' % caps, flush=True)
    os._exit(0)
if rc > 0:
    os.waitpid(rc, 0)
print('ATTACK: clone_newuser returned %d errno %d' % (rc, ctypes.get_errno()), flush=True)
