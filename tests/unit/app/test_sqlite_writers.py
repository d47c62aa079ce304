"""app.core.db.queue_writers: the writers of one process queue on a lock from their first write to their commit
or rollback (SQLite's own waiting polls with sleeps of up to 100 ms and starves a request in a burst). The lock
must come back on every way a transaction ends, or the next writer waits out the whole timeout."""
import threading

import pytest
from sqlalchemy import text

from app.core.db import make_engine


@pytest.fixture
def engine(tmp_path):
    engine = make_engine('sqlite:///%s' % (tmp_path / 'db.sqlite'), lock_timeout_s=5)
    with engine.begin() as conn:
        conn.execute(text('CREATE TABLE t (x INTEGER)'))
    yield engine
    engine.dispose()


def _write_in_thread(engine):
    """Whether a write from another thread got the queue's lock (False: it waited out the timeout)."""
    got = []

    def write():
        with engine.begin() as conn:
            conn.execute(text('INSERT INTO t VALUES (2)'))
            got.append(conn.info.get('queued_writer'))
    thread = threading.Thread(target=write)
    thread.start()
    thread.join(30)
    return got == [True]


@pytest.mark.parametrize('ending', ['commit', 'rollback', 'close'])
def test_the_lock_comes_back_however_a_transaction_ends(engine, ending):
    conn = engine.connect()
    conn.execute(text('SELECT x FROM t')).all()
    assert not conn.info.get('queued_writer')                 # reads never queue
    conn.execute(text('INSERT INTO t VALUES (1)'))
    assert conn.info['queued_writer']
    assert engine.writers.locked()
    getattr(conn, ending)()
    assert not engine.writers.locked()
    conn.close()
    assert _write_in_thread(engine) and not engine.writers.locked()


def test_a_second_writer_waits_for_the_first_to_commit(engine):
    conn = engine.connect()
    conn.execute(text('INSERT INTO t VALUES (1)'))
    conn.commit()
    conn.execute(text('INSERT INTO t VALUES (3)'))            # a second transaction on the same connection queues too
    assert engine.writers.locked()
    order = []
    thread = threading.Thread(target=lambda: (_write_in_thread(engine), order.append('second')))
    thread.start()
    thread.join(0.5)
    order.append('first commits')
    conn.commit()
    conn.close()
    thread.join(30)
    assert order == ['first commits', 'second']
    with engine.connect() as conn:
        assert sorted(x for (x,) in conn.execute(text('SELECT x FROM t'))) == [1, 2, 3]
