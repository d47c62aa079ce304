"""Per-student score summaries for an assignment, late penalty applied (pure: rows in, rows out)."""
import csv
import io

from app.core.db import aware
from grader.text import one_line

CSV_COLUMNS = ('email', 'name', 'best', 'latest', 'max_score', 'submissions', 'last_submitted', 'late',
               'extended_to')


def effective_score(sub, terms):
    """A graded submission's score under its owner's terms (app.courses.terms): penalty until late_due_at, 0 after.

    A submission being regraded keeps its last score until the new one replaces it."""
    if sub.score is None:
        return None
    requested = aware(sub.requested_at)
    if terms.is_closed(requested):
        return 0.0
    if terms.is_late(requested):
        return round(sub.score * (1.0 - terms.late_penalty), 4)
    return sub.score


def summarise(students, submissions, schedule):
    """students: Users; submissions: their Submission rows for one assignment; schedule: its
    app.courses.terms.Schedule -> one dict per student."""
    by_owner = {}
    for sub in sorted(submissions, key=lambda s: (s.requested_at, s.id)):
        by_owner.setdefault(sub.owner_id, []).append(sub)
    rows = []
    for user in sorted(students, key=lambda u: u.email):
        subs = by_owner.get(user.id, [])
        terms = schedule.of(user.id)
        scores = [effective_score(s, terms) for s in subs]
        graded = [s for s in scores if s is not None]
        latest = next((s for s in reversed(scores) if s is not None), None)
        rows.append({'email': user.email, 'name': user.name, 'best': max(graded) if graded else None,
                     'latest': latest, 'max_score': next((s.max_score for s in subs if s.max_score), None),
                     'submissions': len(subs),
                     'last_submitted': aware(subs[-1].requested_at).isoformat() if subs else None,
                     'late': any(s.late for s in subs),
                     'extended_to': terms.due_at.isoformat() if terms.extended else None})
    return rows


def cell(value):
    """A CSV cell: None is empty; text is one line (control characters escaped) and never a spreadsheet formula."""
    if value is None:
        return ''
    if isinstance(value, str):
        value = one_line(value)
        return "'" + value if value[:1] in ('=', '+', '-', '@') else value
    return value


def to_csv(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator='\n')
    writer.writeheader()
    for row in rows:
        writer.writerow({k: cell(row[k]) for k in CSV_COLUMNS})
    return out.getvalue()
