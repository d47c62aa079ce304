"""Engine and sessions from a database URL; SQLite gets foreign keys and a busy timeout."""
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
        return engine
    return create_engine(url, pool_pre_ping=True,
                         connect_args={'options': '-c lock_timeout=%d' % int(lock_timeout_s * 1000)})


def make_sessionmaker(engine):
    return sessionmaker(engine, expire_on_commit=False)


def aware(moment):
    """SQLite hands back naive datetimes; every stored time is UTC (and so is a time given without an offset)."""
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def utc_text(moment, empty='—'):
    """A stored time as people read it: '2027-03-01 23:59 UTC'."""
    return aware(moment).strftime('%Y-%m-%d %H:%M UTC') if moment else empty
