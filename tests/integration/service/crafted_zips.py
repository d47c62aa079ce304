"""Crafted zip archives for the upload tests, built with zipfile and patched bytes (nothing downloaded)."""
import io
import struct
import zipfile

GRADED = 'convolutional_networks.py'
MIB = 1 << 20


def one_member(data, method=zipfile.ZIP_DEFLATED, name=GRADED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as zf:
        zf.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, compress_type=method)
    return buf.getvalue()


def streamed_member(method, size):
    """A zip of one member holding `size` zero bytes, compressed while written (never all in memory)."""
    buf, zero = io.BytesIO(), bytes(MIB)
    with zipfile.ZipFile(buf, 'w') as zf:
        info = zipfile.ZipInfo(GRADED, (2026, 1, 1, 0, 0, 0))
        info.compress_type = method
        with zf.open(info, 'w') as f:
            for _ in range(size // MIB):
                f.write(zero)
    return buf.getvalue()


def declare_size(data, size):
    """The zip with its first member's uncompressed size rewritten (local header and central directory)."""
    data = bytearray(data)
    central = data.rfind(b'PK\x01\x02')
    struct.pack_into('<I', data, 22, size)
    struct.pack_into('<I', data, central + 24, size)
    return bytes(data)


def mark_encrypted(data):
    data = bytearray(data)
    data[6] |= 1
    data[data.rfind(b'PK\x01\x02') + 8] |= 1
    return bytes(data)


def corrupt_stream(data):
    """Deflate data replaced by garbage of the same length (headers intact)."""
    data = bytearray(data)
    start = 30 + struct.unpack_from('<H', data, 26)[0] + struct.unpack_from('<H', data, 28)[0]
    size = struct.unpack_from('<I', data, 18)[0]
    data[start:start + size] = b'\xff' * size
    return bytes(data)


def directory_flood(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_STORED) as zf:
        for i in range(entries):
            zf.writestr('%x' % i, b'')
    return buf.getvalue()
