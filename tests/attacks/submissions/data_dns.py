# where: conv_forward
# A DNS query by UDP to the host's loopback (port filled in), then a real lookup of example.com.
import os as _os, socket as _sock, struct as _st
_query = _st.pack('!HHHHHH', 0x1234, 0x0100, 1, 0, 0, 0) + b'\x07example\x03com\x00' + _st.pack('!HH', 1, 1)
try:
    _u = _sock.socket(_sock.AF_INET, _sock.SOCK_DGRAM)
    _u.sendto(_query, ('127.0.0.1', {port}))
    print('ATTACK: dns query sent')
except Exception as _e:
    print('ATTACK: dns query refused %s: %s' % (type(_e).__name__, _e))
try:
    print('ATTACK: resolved', _sock.getaddrinfo('example.com', 80))
except Exception as _e:
    print('ATTACK: getaddrinfo failed %s: %s' % (type(_e).__name__, _e))
print('ATTACK: resolv.conf exists=%s etc=%s' % (_os.path.exists('/etc/resolv.conf'), _os.path.isdir('/etc')))
