"""app.core.storage: the backends behind put/get, their checks of a sha256, and the setting that picks one."""
import hashlib
import os

import pytest
from pydantic import ValidationError

from app.core.config import Settings
from app.core.storage import DbStorage, DirStorage, Missing, open_storage

HOSTILE = ['../' * 8 + 'etc/passwd', 'A' * 64, 'a' * 63, 'a' * 65, 'a' * 63 + '/', '', None, 'g' * 64]


def test_a_folder_stores_each_content_once_under_its_sha256(tmp_path):
    storage = DirStorage(str(tmp_path))
    digest = storage.put(b'x = 1\n')
    assert digest == hashlib.sha256(b'x = 1\n').hexdigest() and storage.put(b'x = 1\n') == digest
    assert os.listdir(tmp_path / digest[:2]) == [digest] and storage.get(digest) == b'x = 1\n'
    with pytest.raises(Missing, match='no stored file ' + 'b' * 64):
        storage.get('b' * 64)
    (tmp_path / digest[:2] / digest).write_bytes(b'x = 2\n')     # changed on disk: never handed out
    with pytest.raises(ValueError, match='does not match its sha256'):
        storage.get(digest)


@pytest.mark.parametrize('digest', HOSTILE)
def test_anything_but_a_sha256_is_refused_before_it_names_a_file(tmp_path, digest):
    with pytest.raises(ValueError, match='not a sha256'):
        DirStorage(str(tmp_path)).get(digest)
    assert os.listdir(tmp_path) == []


def test_the_setting_picks_the_backend(tmp_path):
    assert Settings().storage == 'db'                            # the default: every worker reaches it
    assert isinstance(open_storage(Settings(storage='db'), session=object()), DbStorage)
    with pytest.raises(ValueError, match='needs a database session'):
        open_storage(Settings(storage='db'))
    assert open_storage(Settings(storage='dir', storage_dir=str(tmp_path))).root == str(tmp_path)
    with pytest.raises(ValidationError):
        Settings(storage='ftp')
