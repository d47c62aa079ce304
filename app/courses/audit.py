"""The audit trail: every change an instructor or the operator makes, kept in the same transaction."""
import csv
import io
from datetime import datetime, timezone

from sqlalchemy import select

from app.accounts.access import emails_of
from app.core.db import aware
from app.core.models import Assignment, AuditEvent
from app.reports.scores import cell


def record(session, action, actor_id=None, course_id=None, assignment=None, subject_id=None, detail=''):
    """Add an event (committed with the change it describes). actor_id None: the operator's CLI."""
    session.add(AuditEvent(at=datetime.now(timezone.utc), actor_id=actor_id, action=action, detail=detail,
                           course_id=course_id if course_id is not None else (assignment and assignment.course_id),
                           assignment_id=assignment.id if assignment is not None else None,
                           subject_id=subject_id))


COLUMNS = ('at', 'actor', 'action', 'subject', 'assignment', 'detail')


def recent(session, course_id, limit=30):
    """The course's newest events as dicts (who, what, for whom, where); limit None: all of them."""
    events = session.scalars(select(AuditEvent).where(AuditEvent.course_id == course_id)
                             .order_by(AuditEvent.id.desc()).limit(limit)).all()
    emails = emails_of(session, [e.actor_id for e in events] + [e.subject_id for e in events])
    slugs = dict(session.execute(select(Assignment.id, Assignment.slug).where(Assignment.course_id == course_id)).all())
    return [{'at': e.at, 'actor': emails.get(e.actor_id, 'operator (CLI)' if e.actor_id is None else 'deleted'),
             'action': e.action, 'subject': emails.get(e.subject_id, ''), 'assignment': slugs.get(e.assignment_id, ''),
             'detail': e.detail} for e in events]


def to_csv(events):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator='\n')
    writer.writeheader()
    for e in events:
        writer.writerow({k: cell(v) for k, v in dict(e, at=aware(e['at']).isoformat()).items()})
    return out.getvalue()
