"""A course's similarity archive is a hostile zip too: each crafted one is refused with a reason, before more
than its caps is decompressed; a good one gives its .py files with their paths."""
import io
import zipfile

import pytest

from app.core.errors import Invalid
from app.courses.archive_files import MAX_MEMBERS, MAX_ZIP_BYTES, clean_label, read_zip
from tests.helpers.zips import zip_of
from tests.integration.service.crafted_zips import MIB, corrupt_stream, declare_size, directory_flood, \
    mark_encrypted, one_member, streamed_member

MAX_FILE = 2 * MIB


def refused(data):
    with pytest.raises(Invalid) as caught:
        read_zip('archive.zip', data, MAX_FILE)
    return caught.value.message


def test_a_good_archive_gives_its_py_files_and_skips_the_rest():
    data = zip_of([('2025/alice/convolutional_networks.py', b'x = 1\n'), ('2025/README.md', b'# notes'),
                   ('__MACOSX/2025/._a.py', b'\0'), ('2025/bob/convolutional_networks.py', 'y = "\u00e9"\n'.encode())])
    assert read_zip('archive.zip', data, MAX_FILE) == [('2025/alice/convolutional_networks.py', b'x = 1\n'),
                                                       ('2025/bob/convolutional_networks.py', 'y = "\u00e9"\n'.encode())]


def test_crafted_archives_are_refused_with_a_reason():
    source = b'import torch\n' * 1000
    assert 'unsafe' in refused(zip_of([('../../etc/evil.py', source)]))
    assert 'unsafe' in refused(zip_of([('/abs.py', source)]))
    assert 'unsafe' in refused(zip_of([('a\\b.py', source)]))
    assert 'unsafe' in refused(zip_of([('x' * 300 + '.py', source)]))
    assert 'unsafe' in refused(zip_of([('a\x07b.py', source)]))
    assert 'not UTF-8' in refused(one_member(b'x = "\xff"\n', name='latin.py'))
    assert 'too large' in refused(streamed_member(zipfile.ZIP_DEFLATED, 3 * MIB))   # zeros past the file cap
    assert "'a.py'" in refused(declare_size(one_member(source, name='a.py'), 10))      # a size that lies
    assert 'encrypted' in refused(mark_encrypted(one_member(source, name='a.py')))
    assert 'not a readable zip' in refused(corrupt_stream(one_member(source, name='a.py')))
    assert 'members' in refused(directory_flood(4 * MAX_MEMBERS + 1))
    assert 'no .py file' in refused(zip_of([('notes.txt', b'hi')]))
    assert 'larger than' in refused(b'PK' + bytes(MAX_ZIP_BYTES))
    link = zipfile.ZipInfo('link.py')
    link.external_attr = 0o120777 << 16
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as zf:
        zf.writestr(link, 'target.py')
    assert 'symbolic link' in refused(buf.getvalue())


def test_many_files_fit_but_not_past_the_total():
    many = zip_of([('f%04d.py' % i, b'x = %d\n' % i) for i in range(3000)])
    assert len(read_zip('archive.zip', many, MAX_FILE)) == 3000
    per = MAX_FILE - 1
    big = zip_of([('f%d.py' % i, b'#' * per) for i in range(MAX_ZIP_BYTES // per + 1)])
    assert 'more than %d bytes of .py files' % MAX_ZIP_BYTES in refused(big)


def test_labels_are_bounded():
    assert clean_label('  EECS 498 fall 2025 ') == 'EECS 498 fall 2025'
    for bad in ('', '   ', 'x' * 201, 'a\nb', 'a\x00b'):
        with pytest.raises(Invalid):
            clean_label(bad)


def test_the_archive_route_alone_may_send_a_zip_of_64_mib():
    from app.core.config import Settings
    from app.http.bodylimit import MULTIPART_FRAMING, cap
    settings = Settings()
    assert cap(settings, 'POST', '/api/v1/courses/cv/similarity-archive')[0] == MAX_ZIP_BYTES + MULTIPART_FRAMING
    assert cap(settings, 'POST', '/api/v1/courses/cv/similarity-archive/3')[0] == settings.body_max_bytes
    assert cap(settings, 'POST', '/api/v1/assignments/a/similarity')[0] == settings.body_max_bytes
