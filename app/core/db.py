"""Engine and sessions from a database URL; SQLite gets foreign keys, a busy timeout and queued writers."""
import threading
from datetime import timezone

from sqlalchemy import create_engine, event
from sqlalchemy.orm import sessionmaker


def make_engine(url, lock_timeout_s=30):
    """lock_timeout_s: how long a statement waits for a lock before OperationalError."""
    if url.startswith('sqlite'):
        engine = create_engine(url, connect_args={'timeout': lock_timeout_s})

        @event.listens_for(engine, 'connect')
        def _pragmas(conn, _record):
            cur = conn.cursor()
            cur.execute('PRAGMA foreign_keys=ON')
            cur.execute('PRAGMA journal_mode=WAL')
            cur.close()
        queue_writers(engine, lock_timeout_s)
        return engine
    return create_engine(url, pool_pre_ping=True,
                         connect_args={'options': '-c lock_timeout=%d' % int(lock_timeout_s * 1000)})


WRITES = ('INSERT', 'UPDATE', 'DELETE', 'REPLAC')


def queue_writers(engine, timeout_s):
    """SQLite lets one writer in at a time and makes the others poll with growing sleeps (up to 100 ms each), so
    in a burst a waiting request can lose the race for seconds. The writers of this process queue on a lock from
    their first write until their commit or rollback instead; at most one of them polls SQLite (behind another
    process's writer). A writer that waits past timeout_s goes on without the lock (SQLite still decides)."""
    lock = engine.writers = threading.Lock()

    def release(info):
        if info.pop('queued_writer', False):
            lock.release()

    @event.listens_for(engine, 'before_cursor_execute')
    def _first_write(conn, _cursor, statement, _params, _context, _many):
        if not conn.info.get('queued_writer') and statement.lstrip()[:6].upper() in WRITES:
            conn.info['queued_writer'] = lock.acquire(timeout=timeout_s)

    @event.listens_for(engine, 'commit')
    @event.listens_for(engine, 'rollback')
    def _done(conn):
        release(conn.info)

    @event.listens_for(engine.pool, 'checkin')
    @event.listens_for(engine.pool, 'invalidate')
    def _gone(_dbapi_conn, record, *_):
        if record is not None:
            release(record.info)


def make_sessionmaker(engine):
    return sessionmaker(engine, expire_on_commit=False)


def aware(moment):
    """SQLite hands back naive datetimes; every stored time is UTC (and so is a time given without an offset)."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def utc_text(moment, empty='—'):
    """A stored time as people read it: '2027-03-01 23:59 UTC'."""
    return aware(moment).strftime('%Y-%m-%d %H:%M UTC') if moment else empty
