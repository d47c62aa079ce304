"""What one request may cost (pure code): the body caps per route, no route that parses files before its caller
is known, and the zip reader against crafted archives (built here with zipfile and byte patching)."""
import io
import zipfile

import pytest
from fastapi import FastAPI, File, UploadFile
from fastapi.params import File as FileParam
from fastapi.routing import APIRoute

from app.core.config import Settings
from app.grading.uploads import MAX_ZIP_MEMBERS, UploadError, graded_source
from app.http.bodylimit import MULTIPART_FRAMING, cap
from app.main import create_app
from grader import archive
from tests.integration.service.crafted_zips import (MIB, corrupt_stream, declare_size, directory_flood,
                                                    mark_encrypted, one_member, streamed_member)

SETTINGS = Settings(database_url='sqlite://', upload_max_request_bytes=8 * MIB, body_max_bytes=MIB)


@pytest.mark.parametrize('method, path, limit', [
    ('POST', '/api/v1/assignments/convnet/submissions', 8 * MIB + MULTIPART_FRAMING),
    ('POST', '/assignments/convnet/upload', 8 * MIB + MULTIPART_FRAMING),
    ('PUT', '/api/v1/assignments/convnet/submissions', MIB),
    ('POST', '/api/v1/assignments/convnet/submissions/', MIB),
    ('POST', '/api/v1/assignments/a/b/submissions', MIB),
    ('POST', '/login', MIB),
    ('POST', '/api/v1/auth/token', MIB),
    ('POST', '/instructor/assignments/convnet/roster', MIB),
    ('GET', '/healthz', MIB),
])
def test_only_the_upload_routes_take_large_bodies(method, path, limit):
    assert cap(SETTINGS, method, path)[0] == limit


def file_routes(app):
    """Routes whose files FastAPI would parse before any dependency (the caller) is solved."""
    return [r.path for r in app.routes if isinstance(r, APIRoute)
            and any(isinstance(f.field_info, FileParam) for f in r.dependant.body_params)]


def test_no_route_reads_files_before_its_caller_is_known():
    toy = FastAPI()

    @toy.post('/x')
    async def x(files: list[UploadFile] = File(None)):
        return None
    assert file_routes(toy) == ['/x']                 # the check sees such a route
    assert file_routes(create_app(SETTINGS)) == []


def refusal(data, max_file=2 * MIB):
    with pytest.raises(UploadError) as caught:
        graded_source([('hw.zip', data)], max_file, 8 * MIB)
    return str(caught.value)


SOURCE = b'x = 1\n' * 20


def test_only_stored_and_deflated_members_are_read():
    assert graded_source([('hw.zip', one_member(SOURCE))], 2 * MIB, 8 * MIB) == SOURCE
    assert graded_source([('hw.zip', one_member(SOURCE, zipfile.ZIP_STORED))], 2 * MIB, 8 * MIB) == SOURCE
    assert 'compressed with bzip2; only stored and deflated' in refusal(one_member(SOURCE, zipfile.ZIP_BZIP2))
    assert 'compressed with LZMA' in refusal(one_member(SOURCE, zipfile.ZIP_LZMA))
    assert 'is encrypted' in refusal(mark_encrypted(one_member(SOURCE, zipfile.ZIP_STORED)))


def test_sizes_are_counted_not_trusted():
    bomb = streamed_member(zipfile.ZIP_DEFLATED, 16 * MIB)
    assert 'is too large (16777216 bytes; at most 2097152)' in refusal(bomb)
    assert 'not a readable zip file (Bad CRC-32' in refusal(declare_size(bomb, 1000))
    # declared within the cap, more inside: zipfile stops at the declared size, the CRC tells
    assert 'not a readable zip file' in refusal(declare_size(bomb, 2 * MIB))
    assert 'declares 1000 bytes but holds 120' in refusal(declare_size(one_member(SOURCE), 1000))
    big = b'#' * (MIB - 1) + b'\n'                    # as large as the cap allows
    assert graded_source([('hw.zip', one_member(big))], MIB, 8 * MIB) == big
    # the bytes read are counted too (zipfile itself stops at the declared size; this does not rely on it)
    zf = zipfile.ZipFile(io.BytesIO(one_member(big)))
    with pytest.raises(archive.ArchiveError, match='holds more than 65536 bytes'):
        archive.read('hw.zip', zf, zf.infolist()[0], 65536)


def test_corrupt_archives_are_refused_with_a_reason():
    assert 'not a readable zip file (Error -3 while decompressing' in refusal(corrupt_stream(one_member(SOURCE * 50)))
    assert 'not a readable zip file (File is not a zip file)' in refusal(one_member(SOURCE)[:-30])
    assert 'not a readable zip file' in refusal(b'PK\x03\x04' + b'\0' * 100)
    assert 'has more than %d members' % (4 * MAX_ZIP_MEMBERS) in refusal(directory_flood(4 * MAX_ZIP_MEMBERS + 1))
    assert 'has %d members; at most' % (MAX_ZIP_MEMBERS + 1) in refusal(directory_flood(MAX_ZIP_MEMBERS + 1))


@pytest.mark.parametrize('value, length', [(b'1024', 1024), (b'', None), (b'12a', None), (b'-1', None),
                                           (b'9' * 40, None)])
def test_a_content_length_that_is_no_number_is_counted_not_trusted(value, length):
    from app.http.bodylimit import declared_length
    assert declared_length({'headers': [(b'content-length', value)]}) == length
