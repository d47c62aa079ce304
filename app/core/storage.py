"""Content-addressed upload store: put(bytes) -> sha256, get(sha256) -> bytes."""
import hashlib
import os
import tempfile


class Storage:
    def __init__(self, root):
        self.root = root

    def _path(self, digest):
        if len(digest) != 64 or any(c not in '0123456789abcdef' for c in digest):
            raise ValueError('not a sha256: %r' % digest)
        return os.path.join(self.root, digest[:2], digest)

    def put(self, data):
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path))
            with os.fdopen(fd, 'wb') as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)         # atomic: a reader never sees half a file
        return digest

    def get(self, digest):
        with open(self._path(digest), 'rb') as f:
            return f.read()
