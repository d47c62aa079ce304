# where: conv_forward
# ptrace(PTRACE_TRACEME) through libc: a call the seccomp filter answers by killing the process.
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print('ATTACK: ptrace: calling ptrace(PTRACE_TRACEME)', flush=True)
rc = libc.ptrace(0, 0, None, None)
print('ATTACK: ptrace returned %d errno %d' % (rc, ctypes.get_errno()), flush=True)
