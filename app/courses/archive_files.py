"""A course's similarity archive: past years' submissions and solutions found online, uploaded by its instructors
as a zip of .py files with a label (where they came from). The zip is hostile: grader.archive reads it (member
count, methods, sizes counted as they decompress), and every path, name, label and total is bounded here."""
import posixpath
import unicodedata
from datetime import datetime, timezone

from sqlalchemy import delete, func, select

from app.core.errors import Invalid, NotFound
from app.core.models import ArchiveFile, SimilarityPair
from app.courses import audit
from grader import archive

MAX_MEMBERS = 5_000               # members of one zip
MAX_ZIP_BYTES = 64 * 1024 * 1024  # one zip, as sent (also its decompressed .py files together)
MAX_FILES = 20_000                # archive files of one course
MAX_LABEL = 200
MAX_NAME = 255


def clean_label(label):
    """The label, stripped; Invalid when empty, too long or holding control characters."""
    label = (label or '').strip()
    if not label:
        raise Invalid('give the archive a label (where its files come from, e.g. "EECS 498 fall 2025")')
    if len(label) > MAX_LABEL or any(unicodedata.category(c)[0] == 'C' for c in label):
        raise Invalid('the label must be at most %d printable characters' % MAX_LABEL)
    return label


def read_zip(name, data, max_file):
    """[(path, bytes)] of the zip's .py files (other members skipped, folders and __MACOSX ignored); Invalid
    for an unsafe or too long path, a link, a file past max_file, a total past MAX_ZIP_BYTES, text that is not
    UTF-8, or a zip grader.archive refuses."""
    if len(data) > MAX_ZIP_BYTES:
        raise Invalid('%s is larger than %d bytes' % (name, MAX_ZIP_BYTES))
    out, total = [], 0
    try:
        zf, members = archive.members(name, data, MAX_MEMBERS)
        for m in members:
            path = m.filename
            if path.startswith('/') or '..' in path.split('/') or '\\' in path or len(path) > MAX_NAME or \
                    any(unicodedata.category(c)[0] == 'C' for c in path):
                raise Invalid('%s: member %r has an unsafe or too long path' % (name, path[:300]))
            if (m.external_attr >> 16) & 0o170000 == 0o120000:
                raise Invalid('%s: member %r is a symbolic link' % (name, path))
            if m.is_dir() or '__MACOSX' in path.split('/') or not path.endswith('.py') or \
                    posixpath.basename(path).startswith('.'):
                continue
            archive.check(name, m, max_file)
            total += m.file_size
            if total > MAX_ZIP_BYTES:
                raise Invalid('%s holds more than %d bytes of .py files' % (name, MAX_ZIP_BYTES))
            body = archive.read(name, zf, m, max_file)
            try:
                body.decode('utf-8')
            except UnicodeDecodeError as exc:
                raise Invalid('%s: member %r is not UTF-8 text (byte %d)' % (name, path, exc.start)) from None
            out.append((path, body))
    except archive.ArchiveError as exc:
        raise Invalid(str(exc)) from None
    if not out:
        raise Invalid('%s holds no .py file' % name)
    return out


def add(session, storage, course, label, files, actor_id=None):
    """Store the files and their rows (the caller commits); a file the course's archive already holds is
    skipped. Returns (added, already there)."""
    label = clean_label(label)
    held = session.scalar(select(func.count()).select_from(ArchiveFile).where(ArchiveFile.course_id == course.id))
    if held + len(files) > MAX_FILES:
        raise Invalid('a course\'s archive holds at most %d files (%d now, %d sent)' % (MAX_FILES, held, len(files)))
    known = set(session.scalars(select(ArchiveFile.sha256).where(ArchiveFile.course_id == course.id)))
    now, added = datetime.now(timezone.utc), 0
    for path, body in files:
        sha = storage.put(body)
        if sha in known:
            continue
        known.add(sha)
        session.add(ArchiveFile(course_id=course.id, label=label, name=path, sha256=sha, size=len(body),
                                added_at=now))
        added += 1
    audit.record(session, 'archive added', actor_id, course_id=course.id,
                 detail='%d file(s) labelled %s, %d already there' % (added, label[:80], len(files) - added))
    return added, len(files) - added


def listing(session, course):
    return session.scalars(select(ArchiveFile).where(ArchiveFile.course_id == course.id)
                           .order_by(ArchiveFile.label, ArchiveFile.name, ArchiveFile.id)).all()


def remove(session, course, file_id, actor_id=None):
    """Forget one archive file of the course (its stored bytes stay: uploads may share them)."""
    row = session.get(ArchiveFile, file_id)
    if row is None or row.course_id != course.id:
        raise NotFound('no archive file %d in %s' % (file_id, course.slug))
    session.execute(delete(SimilarityPair).where(SimilarityPair.archive_file_id == row.id))
    session.delete(row)
    audit.record(session, 'archive removed', actor_id, course_id=course.id, detail='%s · %s' % (row.label, row.name))
