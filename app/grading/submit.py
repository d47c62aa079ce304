"""Accepting an upload, shared by the API and the pages: who may, validation, duplicates, the rate limit."""
import hashlib
from datetime import datetime, timezone

from sqlalchemy import select

from app.accounts.access import require_member
from app.core.errors import Invalid, NotAllowed, TooMany
from app.core.models import Submission
from app.core.storage import open_storage
from app.core.throttle import describe_wait, state, take
from app.courses.terms import terms_for
from app.grading.dispatch import send_grading
from app.grading.uploads import GRADED_FILE, UploadError, graded_source


def _bucket(user, assignment):
    return ('upload:%d:%d' % (user.id, assignment.id), assignment.rate_limit_burst,
            assignment.rate_limit_per_hour / 3600.0)


def uploads_left(session, user, assignment):
    """(uploads possible right now, seconds until the next one when none is)."""
    level, wait = state(session, *_bucket(user, assignment))
    return int(level), wait


def closed(role, terms, now):
    """Students submit until their late due date (app.courses.terms); instructors always."""
    return role == 'student' and terms.is_closed(now)


def admit(session, user, assignment, now):
    """(role, terms) of a user who may upload to the assignment now, else NotAllowed. The routes ask
    before they read the upload's body, accept asks again (the body may take a while to arrive)."""
    role = require_member(session, user, assignment)
    terms = terms_for(session, assignment, user.id)
    if closed(role, terms, now):
        raise NotAllowed('%s closed on %s' % (assignment.slug, terms.late_due_at.isoformat()))
    return role, terms


def accept(session, settings, send, user, assignment, received):
    """(submission, duplicate?) for [(name, bytes)], or Invalid, NotAllowed or TooMany with the reason."""
    now = datetime.now(timezone.utc)
    role, terms = admit(session, user, assignment, now)
    try:
        source = graded_source(received, settings.upload_max_file_bytes, settings.upload_max_request_bytes)
    except UploadError as exc:
        raise Invalid(str(exc)) from None
    digest = hashlib.sha256(source).hexdigest()
    same = session.scalars(select(Submission).where(
        Submission.owner_id == user.id, Submission.assignment_id == assignment.id,
        Submission.content_sha256 == digest, Submission.status != 'error')).first()
    if same is not None:                               # the same file again: no new row, no token spent
        return same, True
    if role == 'student':
        wait = take(session, *_bucket(user, assignment))
        if wait:
            session.rollback()
            raise TooMany('too many submissions: %s allows %d at once and %d per hour; try again in %s'
                          % (assignment.slug, assignment.rate_limit_burst, assignment.rate_limit_per_hour,
                             describe_wait(wait)), wait)
    open_storage(settings, session).put(source)       # after the size caps: a refused file is never stored
    sub = Submission(owner_id=user.id, assignment_id=assignment.id, content_sha256=digest, requested_at=now,
                     files=[{'name': GRADED_FILE, 'sha256': digest, 'size': len(source)}],
                     late=terms.is_late(now))
    session.add(sub)
    session.flush()
    send_grading(session, [sub], {assignment.id: assignment}, settings, send)
    return sub, False
