"""Find the graded file in a PATH: a .py file, a folder or a .zip."""
import os

from . import archive

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ZIP_BYTES = 64 * 1024 * 1024


class SubmissionError(Exception):
    """The path cannot be graded at all (missing, unreadable, no graded file)."""


def _from_zip(path, graded_file):
    """The graded member nearest the top, read without trusting the zip (grader/archive.py)."""
    if os.path.getsize(path) > MAX_ZIP_BYTES:
        raise SubmissionError('%s is larger than %d bytes' % (path, MAX_ZIP_BYTES))
    with open(path, 'rb') as f:
        data = f.read()
    try:
        zf, members = archive.members(path, data)
        matches = [i for i in members if os.path.basename(i.filename) == graded_file
                   and not i.is_dir() and '__MACOSX' not in i.filename]
        if not matches:
            raise SubmissionError('%s holds no %s' % (path, graded_file))
        best = min(matches, key=lambda i: i.filename.count('/'))
        archive.check(path, best, MAX_FILE_BYTES)
        return archive.read(path, zf, best, MAX_FILE_BYTES)
    except archive.ArchiveError as exc:
        raise SubmissionError(str(exc)) from None


def _from_folder(path, graded_file):
    candidate = os.path.join(path, graded_file)
    if os.path.isfile(candidate):
        return _read(candidate)
    for root, dirs, files in sorted(os.walk(path)):
        dirs.sort()
        if graded_file in files:
            return _read(os.path.join(root, graded_file))
    raise SubmissionError('%s holds no %s' % (path, graded_file))


def _read(path):
    if os.path.getsize(path) > MAX_FILE_BYTES:
        raise SubmissionError('%s is larger than %d bytes' % (path, MAX_FILE_BYTES))
    with open(path, 'rb') as f:
        return f.read()


def load_source(path, graded_file='convolutional_networks.py'):
    """The bytes of the graded file found at path; SubmissionError when there is none."""
    if not os.path.exists(path):
        raise SubmissionError('%s does not exist' % path)
    try:
        if os.path.isdir(path):
            return _from_folder(path, graded_file)
        if path.endswith('.zip'):
            return _from_zip(path, graded_file)
        if path.endswith('.py'):
            return _read(path)
    except OSError as exc:
        raise SubmissionError('%s cannot be read: %s' % (path, exc.strerror)) from None
    raise SubmissionError('%s is not a .py file, a folder or a .zip' % path)
