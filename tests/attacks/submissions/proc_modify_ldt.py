# where: conv_forward
# modify_ldt (x86 segment descriptors: a kernel surface no Python program needs, with a history of exploits).
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print('ATTACK: modify_ldt: calling modify_ldt(0)', flush=True)
buf = ctypes.create_string_buffer(64)
rc = libc.syscall(154, 0, buf, 64)                  # SYS_modify_ldt, read
print('ATTACK: modify_ldt returned %d errno %d' % (rc, ctypes.get_errno()), flush=True)
