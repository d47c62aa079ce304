# where: conv_forward
# mount a tmpfs over /job through libc: a call the seccomp filter answers by killing the process.
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print('ATTACK: mount: calling mount("none", "/job", "tmpfs")', flush=True)
rc = libc.mount(b'none', b'/job', b'tmpfs', 0, None)
print('ATTACK: mount returned %d errno %d' % (rc, ctypes.get_errno()), flush=True)
