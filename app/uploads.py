"""Upload validation: every file checked before anything is stored (pure functions)."""
import io
import posixpath
import zipfile

ALLOWED_SUFFIXES = ('.py', '.ipynb', '.zip', '.pth')
GRADED_FILE = 'convolutional_networks.py'
MAX_ZIP_MEMBERS = 50
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
OTHER_METHODS = {zipfile.ZIP_BZIP2: 'bzip2', zipfile.ZIP_LZMA: 'LZMA'}
CENTRAL_ENTRY = b'PK\x01\x02'      # each directory entry starts with it: more than 4x the members is no zip of ours
CHUNK = 64 * 1024


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
    """The graded member's bytes. Only what a student's zip needs is read: stored or deflated members, at most
    MAX_ZIP_MEMBERS, the bytes really decompressed counted in chunks against max_file (a header's sizes can lie)."""
    if data.count(CENTRAL_ENTRY) > 4 * MAX_ZIP_MEMBERS:      # bounds what parsing the directory costs
        raise UploadError('%s has more than %d members; at most %d' % (name, 4 * MAX_ZIP_MEMBERS, MAX_ZIP_MEMBERS))
    try:
        return _graded_member(name, zipfile.ZipFile(io.BytesIO(data)), max_file)
    except UploadError:
        raise
    except Exception as exc:             # zipfile and zlib raise many kinds on hostile bytes: all mean corrupt
        raise UploadError('%s is not a readable zip file (%s)' % (name, str(exc)[:120] or type(exc).__name__)) from None


def _graded_member(name, zf, max_file):
    members = zf.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise UploadError('%s has %d members; at most %d' % (name, len(members), MAX_ZIP_MEMBERS))
    found = None
    for m in members:
        path = m.filename
        if path.startswith('/') or '..' in path.split('/') or '\\' in path:
            raise UploadError('%s: member %r has an unsafe path' % (name, path))
        if (m.external_attr >> 16) & 0o170000 == 0o120000:
            raise UploadError('%s: member %r is a symbolic link' % (name, path))
        if m.compress_type not in METHODS:
            raise UploadError('%s: member %r is compressed with %s; only stored and deflated members are accepted'
                              % (name, path, OTHER_METHODS.get(m.compress_type, 'method %d' % m.compress_type)))
        if m.flag_bits & 0x1:
            raise UploadError('%s: member %r is encrypted' % (name, path))
        if m.file_size > max_file:
            raise UploadError('%s: member %r is too large (%d bytes; at most %d)' % (name, path, m.file_size, max_file))
        if posixpath.basename(path) == GRADED_FILE and '__MACOSX' not in path:
            if found is not None:
                raise UploadError('%s holds %s more than once' % (name, GRADED_FILE))
            found = _read_member(name, zf, m, max_file)
    if found is None:
        raise UploadError('%s holds no %s' % (name, GRADED_FILE))
    return found


def _read_member(name, zf, member, max_file):
    """The member's bytes, decompressed CHUNK at a time and counted; more than max_file, or a size other than
    the one declared, is refused."""
    out = bytearray()
    with zf.open(member) as f:
        while chunk := f.read(CHUNK):
            out += chunk
            if len(out) > max_file:
                raise UploadError('%s: member %r holds more than %d bytes' % (name, member.filename, max_file))
    if len(out) != member.file_size:
        raise UploadError('%s: member %r declares %d bytes but holds %d' % (name, member.filename, member.file_size,
                                                                             len(out)))
    return bytes(out)


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
