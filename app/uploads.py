"""Upload validation: every file checked before anything is stored (pure functions)."""
import io
import posixpath
import zipfile

ALLOWED_SUFFIXES = ('.py', '.ipynb', '.zip', '.pth')
GRADED_FILE = 'convolutional_networks.py'
MAX_ZIP_MEMBERS = 50


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
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = zf.infolist()
    except zipfile.BadZipFile:
        raise UploadError('%s is not a readable zip file' % name) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise UploadError('%s has %d members; at most %d' % (name, len(members), MAX_ZIP_MEMBERS))
    found = None
    for m in members:
        path = m.filename
        if path.startswith('/') or '..' in path.split('/') or '\\' in path:
            raise UploadError('%s: member %r has an unsafe path' % (name, path))
        if (m.external_attr >> 16) & 0o170000 == 0o120000:
            raise UploadError('%s: member %r is a symbolic link' % (name, path))
        if m.file_size > max_file or (m.compress_size and m.file_size > 200 * m.compress_size):
            raise UploadError('%s: member %r is too large or too compressed' % (name, path))
        if posixpath.basename(path) == GRADED_FILE and '__MACOSX' not in path:
            if found is not None:
                raise UploadError('%s holds %s more than once' % (name, GRADED_FILE))
            found = zf.read(m)
    if found is None:
        raise UploadError('%s holds no %s' % (name, GRADED_FILE))
    return found


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
