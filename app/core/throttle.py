"""Token buckets in SQL, so that every API process shares them: take() spends a token atomically."""
import math
import time

from sqlalchemy import case, update
from sqlalchemy.exc import IntegrityError

from app.core.models import Throttle


def _level(capacity, per_second, now):
    refilled = Throttle.tokens + (now - Throttle.updated) * per_second
    return case((refilled > capacity, capacity), else_=refilled)


def _state(row, capacity, per_second, now):
    """(tokens now, seconds until a whole token) of a bucket row (None: a full, unused bucket)."""
    level = capacity if row is None else min(capacity, row.tokens + (now - row.updated) * per_second)
    if level >= 1:
        return level, 0.0
    return level, (1 - level) / per_second if per_second > 0 else math.inf


def state(session, key, capacity, per_second, now=None):
    """(tokens now, seconds until a whole token); spends nothing."""
    now = time.time() if now is None else now
    return _state(session.get(Throttle, key, populate_existing=True), capacity, per_second, now)


def wait_s(session, key, capacity, per_second, now=None):
    """Seconds until the bucket holds a whole token (0 when it does); spends nothing."""
    return state(session, key, capacity, per_second, now)[1]


def take(session, key, capacity, per_second, now=None):
    """Spend one token of the bucket `key`: 0.0 when spent, else the seconds to wait. The caller commits."""
    now = time.time() if now is None else now
    level = _level(capacity, per_second, now)
    for _ in range(3):
        done = session.execute(update(Throttle).where(Throttle.key == key, level >= 1)
                               .values(tokens=level - 1, updated=now).execution_options(synchronize_session=False))
        if done.rowcount == 1:
            return 0.0
        row = session.get(Throttle, key, populate_existing=True)
        if row is not None:
            wait = _state(row, capacity, per_second, now)[1]
            if wait:
                return wait
            continue                                 # created by another request meanwhile: spend from it
        if capacity < 1:
            return math.inf
        try:
            with session.begin_nested():
                session.add(Throttle(key=key, tokens=capacity - 1, updated=now))
            return 0.0
        except IntegrityError:                       # another request created it first: spend from it
            continue
    return wait_s(session, key, capacity, per_second, now) or 1.0


def describe_wait(seconds):
    if seconds == math.inf:
        return 'never'
    seconds = max(1, math.ceil(seconds))
    if seconds < 120:
        return '%d s' % seconds
    return '%d min' % math.ceil(seconds / 60)
