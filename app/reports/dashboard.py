"""Numbers behind the instructor dashboard (pure: rows in, plain data out)."""
import math
from collections import Counter
from datetime import timedelta

from app.core.db import aware


def histogram(scores, max_score, bins=10):
    """[(low, high, count)] over [0, max_score]; the top bin includes max_score."""
    max_score = max_score or 100.0
    width = max_score / bins
    counts = Counter(min(bins - 1, int(s / width)) for s in scores if s is not None)
    return [(round(i * width, 4), round((i + 1) * width, 4), counts.get(i, 0)) for i in range(bins)]


def latest_graded(submissions):
    """Each owner's latest graded submission."""
    latest = {}
    for sub in sorted(submissions, key=lambda s: (s.requested_at, s.id)):
        if sub.status == 'graded':
            latest[sub.owner_id] = sub
    return list(latest.values())


def pass_rates(submissions):
    """[(check_id, component, passed, total)] over the given submissions' checks, most failed first."""
    passed, total, component = Counter(), Counter(), {}
    for sub in submissions:
        for c in sub.checks:
            total[c.check_id] += 1
            passed[c.check_id] += c.status == 'passed'
            component[c.check_id] = c.component
    rows = [(cid, component[cid], passed[cid], total[cid]) for cid in total]
    return sorted(rows, key=lambda r: (r[2] / r[3], r[0]))


def timeline(submissions, due_at, hours_before=48, hours_after=24):
    """Uploads per hour around the due date: [(start, count)], due date at index hours_before."""
    if due_at is None:
        return []
    start = aware(due_at) - timedelta(hours=hours_before)
    counts = Counter()
    for sub in submissions:
        offset = (aware(sub.requested_at) - start).total_seconds() / 3600.0
        if 0 <= offset < hours_before + hours_after:
            counts[int(math.floor(offset))] += 1
    return [(start + timedelta(hours=h), counts.get(h, 0)) for h in range(hours_before + hours_after)]


def workers(submissions, now, window_h=24):
    """{worker name: (graded in the window, last start)} from the rows workers leave behind."""
    seen = {}
    for sub in submissions:
        if sub.worker and sub.started_at and aware(sub.started_at) > now - timedelta(hours=window_h):
            count, last = seen.get(sub.worker, (0, None))
            started = aware(sub.started_at)
            seen[sub.worker] = (count + 1, started if last is None or started > last else last)
    return seen
