"""app.core.service_keys: the pseudonym key lives in SQL, so two API hosts with their own folders agree on it."""
from app.cli.migrate import upgrade
from app.core.config import Settings
from app.core.db import make_engine, make_sessionmaker
from app.core.service_keys import pseudonym_key


def _sessions(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'db.sqlite')
    upgrade(url)
    return make_sessionmaker(make_engine(url))


def test_two_hosts_with_their_own_folders_use_one_key(tmp_path):
    Session = _sessions(tmp_path)
    hosts = [Settings(storage_dir=str(tmp_path / name / 'uploads')) for name in ('api-1', 'api-2')]
    with Session() as first, Session() as second:
        key = pseudonym_key(hosts[0], first)
        assert len(key) == 64 and pseudonym_key(hosts[1], second) == key
    assert not (tmp_path / 'api-1').exists() and not (tmp_path / 'api-2').exists()   # nothing on either disk


def test_the_setting_wins_and_an_older_key_file_is_taken_over(tmp_path):
    Session = _sessions(tmp_path)
    with Session() as session:
        assert pseudonym_key(Settings(secret_key='from-the-secret'), session) == 'from-the-secret'
    (tmp_path / 'old').mkdir()
    (tmp_path / 'old' / 'secret_key').write_text('c0ffee' * 8 + '\n')     # an older version's key file
    with Session() as session:
        assert pseudonym_key(Settings(storage_dir=str(tmp_path / 'old' / 'uploads')), session) == 'c0ffee' * 8
    with Session() as session:                                            # kept: the file no longer matters
        assert pseudonym_key(Settings(storage_dir=str(tmp_path / 'elsewhere' / 'uploads')), session) == 'c0ffee' * 8
