"""The dates that apply to one student: the assignment's, or their extension's.

Everything that depends on a due date (closing uploads, the late flag, the late penalty, hidden details)
asks for a student's Terms, never the assignment's dates directly.
"""
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.accounts.access import emails_of
from app.core.db import aware, utc_text
from app.core.models import Extension, Submission
from app.courses import audit
from app.courses.roster import csv_rows


INSERTS = {'postgresql': postgresql_insert, 'sqlite': sqlite_insert}


@dataclass(frozen=True)
class Terms:
    due_at: Optional[datetime]
    late_due_at: Optional[datetime]
    late_penalty: float
    extended: bool = False

    def is_late(self, moment):
        return bool(self.due_at and moment > self.due_at)

    def is_closed(self, moment):
        """Past the late due date: uploads are refused and scores count 0."""
        return bool(self.late_due_at and moment > self.late_due_at)


class Schedule:
    """Every student's terms for one assignment: their extension's, else the class's."""

    def __init__(self, assignment, extended):
        self.default, self.extended = class_terms(assignment), extended

    def of(self, user_id):
        return self.extended.get(user_id, self.default)


def class_terms(assignment):
    return Terms(aware(assignment.due_at), aware(assignment.late_due_at), assignment.late_penalty)


def _terms(assignment, extension):
    return Terms(aware(extension.due_at), aware(extension.late_due_at), assignment.late_penalty, True)


def terms_for(session, assignment, user_id):
    extension = session.scalars(select(Extension).where(Extension.assignment_id == assignment.id,
                                                        Extension.user_id == user_id)).first()
    return _terms(assignment, extension) if extension else class_terms(assignment)


def schedule(session, assignment):
    return Schedule(assignment, {e.user_id: _terms(assignment, e) for e in session.scalars(
        select(Extension).where(Extension.assignment_id == assignment.id))})


def extensions(session, assignment):
    """[(e-mail, Extension)] of the assignment, earliest due date first."""
    rows = session.scalars(select(Extension).where(Extension.assignment_id == assignment.id)
                           .order_by(Extension.due_at, Extension.id)).all()
    emails = emails_of(session, [e.user_id for e in rows])
    return [(emails.get(e.user_id, '?'), e) for e in rows]


def extension_problem(due, late_due):
    if due is None:
        return 'an extension needs a due date'
    if late_due is not None and late_due < due:
        return 'the late due date is before the due date'
    return ''


def grant(session, assignment, student_id, due, late_due, granted_by):
    """Set (or replace) a student's dates and re-mark their submissions' late flags; ValueError if refused."""
    problem = extension_problem(due, late_due)
    if problem:
        raise ValueError(problem)
    values = dict(due_at=due, late_due_at=late_due, granted_by=granted_by, granted_at=datetime.now(timezone.utc))
    insert = INSERTS[session.get_bind().dialect.name](Extension).values(assignment_id=assignment.id,
                                                                        user_id=student_id, **values)
    # one statement, so that two instructors granting at once both succeed (the later one's dates stay)
    session.execute(insert.on_conflict_do_update(index_elements=['assignment_id', 'user_id'],
                                                 set_={k: insert.excluded[k] for k in values}))
    session.flush()
    audit.record(session, 'extension granted', granted_by, assignment=assignment, subject_id=student_id,
                 detail='due %s, late due %s' % (utc_text(due, 'none'), utc_text(late_due, 'none')))
    mark_late(session, assignment, student_id)


def parse_extensions(text):
    """CSV with the columns email, due_at and (optional) late_due_at, ISO times (UTC unless an offset)
    -> [(email, due, late_due)], or ValueError naming the line."""
    rows = []
    for n, row in csv_rows(text, ['email', 'due_at']):
        try:
            due, late = (aware(datetime.fromisoformat(row[k])) if row.get(k) else None
                         for k in ('due_at', 'late_due_at'))
        except ValueError:
            raise ValueError('line %d: a date is not an ISO date and time' % n)
        problem = extension_problem(due, late)
        if problem:
            raise ValueError('line %d: %s' % (n, problem))
        rows.append((row.get('email', '').lower(), due, late))
    return rows


def revoke(session, assignment, student_id, actor_id=None):
    audit.record(session, 'extension removed', actor_id, assignment=assignment, subject_id=student_id)
    for extension in session.scalars(select(Extension).where(Extension.assignment_id == assignment.id,
                                                             Extension.user_id == student_id)):
        session.delete(extension)
    session.flush()
    mark_late(session, assignment, student_id)


def mark_late(session, assignment, owner_id=None):
    """Each submission's late flag by its owner's terms (one student's, or all after the class's dates moved)."""
    terms = schedule(session, assignment)
    query = select(Submission).where(Submission.assignment_id == assignment.id)
    for sub in session.scalars(query if owner_id is None else query.where(Submission.owner_id == owner_id)):
        sub.late = terms.of(sub.owner_id).is_late(aware(sub.requested_at))
