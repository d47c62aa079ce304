# where: conv_forward
# unshare(CLONE_NEWUSER | CLONE_NEWNS) through libc: the seccomp filter kills the process.
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print('ATTACK: unshare: calling unshare(CLONE_NEWUSER | CLONE_NEWNS)', flush=True)
rc = libc.unshare(0x10000000 | 0x00020000)
print('ATTACK: unshare returned %d errno %d' % (rc, ctypes.get_errno()), flush=True)
