"""One member out of a student's zip, trusting nothing the zip says about itself.

Only what a student's zip needs is read: at most MAX_MEMBERS members (the central directory's entries are
counted before zipfile parses it), stored or deflated members only, not encrypted, and the bytes really
decompressed counted CHUNK at a time against a cap and compared with the size the header declares. Any other
failure of zipfile or zlib on hostile bytes means the archive is corrupt. Used by the upload checks (app/)
and the command line (grader/submission.py).
"""
import io
import zipfile

MAX_MEMBERS = 50
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
OTHER_METHODS = {zipfile.ZIP_BZIP2: 'bzip2', zipfile.ZIP_LZMA: 'LZMA'}
CENTRAL_ENTRY = b'PK\x01\x02'      # each directory entry starts with it: more than 4x the members is no zip of ours
CHUNK = 64 * 1024


class ArchiveError(Exception):
    """Why the zip (named in the message) cannot be used."""


def members(name, data, max_members=MAX_MEMBERS):
    """(ZipFile, its members) of a zip's bytes; ArchiveError when there are too many or it is unreadable."""
    if data.count(CENTRAL_ENTRY) > 4 * max_members:          # bounds what parsing the directory costs
        raise ArchiveError('%s has more than %d members; at most %d' % (name, 4 * max_members, max_members))
    zf = guarded(name, lambda: zipfile.ZipFile(io.BytesIO(data)))
    found = zf.infolist()
    if len(found) > max_members:
        raise ArchiveError('%s has %d members; at most %d' % (name, len(found), max_members))
    return zf, found


def check(name, member, max_bytes):
    """ArchiveError unless the member is stored or deflated, not encrypted and declares at most max_bytes."""
    path = member.filename
    if member.compress_type not in METHODS:
        raise ArchiveError('%s: member %r is compressed with %s; only stored and deflated members are accepted'
                           % (name, path, OTHER_METHODS.get(member.compress_type, 'method %d' % member.compress_type)))
    if member.flag_bits & 0x1:
        raise ArchiveError('%s: member %r is encrypted' % (name, path))
    if member.file_size > max_bytes:
        raise ArchiveError('%s: member %r is too large (%d bytes; at most %d)' % (name, path, member.file_size,
                                                                                 max_bytes))


def read(name, zf, member, max_bytes):
    """The member's bytes (check() it first), decompressed CHUNK at a time and counted; more than max_bytes, or a
    size other than the one declared, is refused."""
    def counted():
        out = bytearray()
        with zf.open(member) as f:
            while chunk := f.read(CHUNK):
                out += chunk
                if len(out) > max_bytes:
                    raise ArchiveError('%s: member %r holds more than %d bytes' % (name, member.filename, max_bytes))
        return out
    out = guarded(name, counted)
    if len(out) != member.file_size:
        raise ArchiveError('%s: member %r declares %d bytes but holds %d' % (name, member.filename,
                                                                          member.file_size, len(out)))
    return bytes(out)


def guarded(name, work):
    """work(), any error but ours meaning the archive is corrupt."""
    try:
        return work()
    except ArchiveError:
        raise
    except Exception as exc:             # zipfile and zlib raise many kinds on hostile bytes: all mean corrupt
        raise ArchiveError('%s is not a readable zip file (%s)' % (name, str(exc)[:120] or type(exc).__name__)) \
            from None
