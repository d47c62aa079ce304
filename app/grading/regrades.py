"""Grading again, the same for the REST API and the pages: one submission, or an assignment's submissions (all, or
those of one status). Rows are marked queued and committed before their ids are sent; each regrade is audited."""
from sqlalchemy import select

from app.accounts.access import readable_submission, require_instructor
from app.core.errors import Invalid
from app.core.models import STATUSES, Submission
from app.courses import audit
from app.grading.dispatch import send_grading


def _via(source):
    return ' (%s)' % source if source else ''


def regrade_one(session, actor, submission_id, settings, send, source=''):
    """The submission, sent to be graded again (NotFound, NotAllowed for anyone but its course's instructors).
    source: 'API' for the REST route (shown in the audit trail), '' for the pages."""
    sub, assignment = readable_submission(session, actor, submission_id)
    require_instructor(session, actor, assignment, 'regrade submissions')
    audit.record(session, 'regrade', actor.id, assignment=assignment, subject_id=sub.owner_id,
                 detail='submission %d%s' % (sub.id, _via(source)))
    send_grading(session, [sub], {assignment.id: assignment}, settings, send)
    return sub


def regrade_assignment(session, actor, assignment, settings, send, status=None, source=''):
    """How many submissions of the assignment (all, or those whose status is `status`) were sent again."""
    require_instructor(session, actor, assignment, 'regrade submissions')
    if status is not None and status not in STATUSES:
        raise Invalid('status must be one of %s' % ', '.join(STATUSES))
    query = select(Submission).where(Submission.assignment_id == assignment.id).order_by(Submission.id)
    if status is not None:
        query = query.where(Submission.status == status)
    rows = session.scalars(query).all()
    audit.record(session, 'regrade', actor.id, assignment=assignment,
                 detail='%d submissions%s%s' % (len(rows), ' with status %s' % status if status else '', _via(source)))
    return send_grading(session, rows, {assignment.id: assignment}, settings, send)
