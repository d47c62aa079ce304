"""Upload validation: every file checked before anything is stored (pure functions)."""
import posixpath

from grader import archive

ALLOWED_SUFFIXES = ('.py', '.ipynb', '.zip', '.pth')
GRADED_FILE = 'convolutional_networks.py'
MAX_ZIP_MEMBERS = archive.MAX_MEMBERS


class UploadError(Exception):
    """Why an upload is refused (answered as 4xx with this text)."""


def _check_python(name, data):
    try:
        data.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise UploadError('%s is not UTF-8 text (byte %d)' % (name, exc.start)) from None


def _check_name(name):
    base = posixpath.basename(name)
    if not base or base != name or base.startswith('.') or not base.endswith(ALLOWED_SUFFIXES):
        raise UploadError('%r is not an allowed file name (%s)' % (name, ', '.join(ALLOWED_SUFFIXES)))


def _from_zip(name, data, max_file):
    """The graded member's bytes (grader/archive.py reads it without trusting the zip), after every member's
    path, kind and size passed."""
    try:
        zf, members = archive.members(name, data)
        found = None
        for m in members:
            _check_member(name, m, max_file)
            if posixpath.basename(m.filename) == GRADED_FILE and '__MACOSX' not in m.filename:
                if found is not None:
                    raise UploadError('%s holds %s more than once' % (name, GRADED_FILE))
                found = archive.read(name, zf, m, max_file)
    except archive.ArchiveError as exc:
        raise UploadError(str(exc)) from None
    if found is None:
        raise UploadError('%s holds no %s' % (name, GRADED_FILE))
    return found


def _check_member(name, member, max_file):
    path = member.filename
    if path.startswith('/') or '..' in path.split('/') or '\\' in path:
        raise UploadError('%s: member %r has an unsafe path' % (name, path))
    if (member.external_attr >> 16) & 0o170000 == 0o120000:
        raise UploadError('%s: member %r is a symbolic link' % (name, path))
    archive.check(name, member, max_file)


def graded_source(files, max_file, max_request):
    """files: [(name, bytes)] -> the graded file's bytes; UploadError says why not."""
    if not files:
        raise UploadError('no file uploaded (multipart field "files")')
    if sum(len(d) for _, d in files) > max_request:
        raise UploadError('the upload is larger than %d bytes' % max_request)
    source = None
    for name, data in files:
        _check_name(name)
        if len(data) > max_file and not name.endswith('.zip'):
            raise UploadError('%s is larger than %d bytes' % (name, max_file))
        if name == GRADED_FILE:
            source = data
        elif name.endswith('.zip'):
            source = _from_zip(name, data, max_file)
    if source is None:
        raise UploadError('no %s in the upload' % GRADED_FILE)
    if not source.strip():
        raise UploadError('%s is empty' % GRADED_FILE)
    _check_python(GRADED_FILE, source)
    return source
