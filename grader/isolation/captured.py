"""A runner's stdout or stderr, bounded by the trusted side.

Each stream is a memory file made here, sized to the cap and sealed (no growing, no shrinking, no unsealing)
before the runner gets it: whatever process inside the sandbox holds it, with whatever limits, it cannot write
more than the cap, and nothing lands on the host's disk. Writers share one file offset, so where the output
has got to is that offset (read here without moving it); the text is read back with pread.
"""
import fcntl
import os

F_ADD_SEALS, F_SEAL_SEAL, F_SEAL_SHRINK, F_SEAL_GROW = 1033, 0x1, 0x2, 0x4


class Captured:
    def __init__(self, name, cap_bytes):
        self.cap = cap_bytes
        self.fd = os.memfd_create(name, os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        os.ftruncate(self.fd, cap_bytes)
        fcntl.fcntl(self.fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

    def fileno(self):
        return self.fd

    def end(self):
        """How far the writers have got (0 once closed)."""
        try:
            return min(os.lseek(self.fd, 0, os.SEEK_CUR), self.cap)
        except OSError:
            return 0

    def read(self, start, end, limit=2000):
        """The output between two offsets as text, head and tail kept within `limit` characters."""
        try:
            data = os.pread(self.fd, max(0, min(end - start, 1 << 20)), start)
        except (OSError, ValueError):
            data = b''
        text = data.decode('utf-8', 'replace')
        cut = max(0, end - start) - len(data)
        if len(text) > limit or cut:
            cut += len(text) - limit
            text = text[:limit // 2] + '\n[... %d characters cut ...]\n' % cut + text[-limit // 2:]
        return text

    def close(self):
        try:
            os.close(self.fd)
        except OSError:
            pass
        self.fd = -1
