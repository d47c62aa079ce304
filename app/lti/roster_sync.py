"""Roster sync of a linked LMS course (NRPS), asked for on the dashboard (LtiRosterSync) and done by a worker.

Accounts are found or made by (registration, sub) only, as a launch does (app.lti.accounts): an e-mail the LMS
lists never finds an account, so no local account and no other platform's account is ever taken over. Listed
Active members with a role that gives access join the course with it (names follow the LMS). Students of the
course linked to this LMS who are no longer listed, or are Inactive or Deleted, are reported as removed: the
grader has no notion of a dropped member, so they keep their membership and submissions; instructors are never
reported. Nothing is applied unless the whole roster was read."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.db import aware
from app.core.models import Membership, User
from app.courses import audit
from app.lti import accounts, nrps, roles
from app.lti.services import ServiceError
from app.lti.tables import LtiAccount, LtiContext, LtiPlatform, LtiRosterSync

ROSTER_TASK = 'grader.lti_roster'
STALE = timedelta(minutes=30)    # a queued or running sync older than this no longer blocks a new one
MESSAGE_MAX = 500


def apply(session, platform, context, members):
    """-> (added, changed, [names of the removed]); no commit."""
    course_id = context.course_id
    current = dict(session.execute(select(Membership.user_id, Membership.role)
                                   .where(Membership.course_id == course_id)).all())
    names = dict(session.execute(select(LtiAccount.sub, User.name).join(User, User.id == LtiAccount.user_id)
                                 .where(LtiAccount.platform_id == platform.id,
                                        LtiAccount.sub.in_([m.sub for m in members]))).all()) if members else {}
    added = changed = 0
    active = set()
    for m in members:
        role = roles.course_role(m.roles) if m.status == 'Active' else None
        if role is None:
            continue
        user = accounts.account(session, platform, m, 'LTI roster sync')
        accounts.join(session, user, course_id, role)
        active.add(user.id)
        if user.id not in current:
            added += 1
        elif current[user.id] != role or (m.sub in names and m.name and m.name != names[m.sub]):
            changed += 1
    linked = session.execute(select(User.id, User.name).join(LtiAccount, LtiAccount.user_id == User.id)
                             .join(Membership, Membership.user_id == User.id)
                             .where(LtiAccount.platform_id == platform.id, Membership.course_id == course_id,
                                    Membership.role == 'student')).all()
    return added, changed, [name or '(no name)' for uid, name in linked if uid not in active]


def busy(session, context_id, now=None):
    """The context's queued or running sync that is not stale, or None."""
    now = now or datetime.now(timezone.utc)
    rows = session.scalars(select(LtiRosterSync).where(LtiRosterSync.context_id == context_id,
                                                       LtiRosterSync.status.in_(('queued', 'running')))).all()
    return next((r for r in rows if aware(r.requested_at) > now - STALE), None)


def last(session, context_id):
    return session.scalars(select(LtiRosterSync).where(LtiRosterSync.context_id == context_id)
                           .order_by(LtiRosterSync.id.desc()).limit(1)).first()


def _summary(count, skipped, added, changed, removed):
    text = '%d listed; %d added, %d changed, %d removed' % (count, added, changed, len(removed))
    if skipped:
        text += '; %d entries skipped (wrong types, over-long text or repeated)' % skipped
    if removed:
        text += '; no longer active in the LMS (kept in the course with their submissions): ' + ', '.join(removed)
    return text[:MESSAGE_MAX]


def run(Session, sync_id, tokens, last_try=True):
    """Carry out the sync. A ServiceError that may pass later is raised again (the row queued once more, its
    message saying why) unless last_try; any other failure leaves the row failed with the reason."""
    with Session() as session:
        sync = session.get(LtiRosterSync, sync_id)
        if sync is None or sync.status in ('done', 'failed'):
            return
        sync.status = 'running'
        session.commit()
        context = session.get(LtiContext, sync.context_id)
        platform = session.get(LtiPlatform, context.platform_id)
        try:
            if not context.memberships_url:
                raise ServiceError('the LMS gave no roster (memberships) URL in its launches', retry=False)
            members, skipped = nrps.fetch(session, platform, context, tokens)
            added, changed, removed = apply(session, platform, context, members)
        except (ServiceError, IntegrityError) as exc:
            session.rollback()
            error = exc if isinstance(exc, ServiceError) else ServiceError(
                'a launch changed the same accounts at the same moment', retry=True)
            sync = session.get(LtiRosterSync, sync_id)
            if error.retry and not last_try:
                sync.status, sync.message = 'queued', ('trying again: ' + error.message)[:MESSAGE_MAX]
                session.commit()
                raise error
            sync.status, sync.message = 'failed', error.message[:MESSAGE_MAX]
            sync.finished_at = datetime.now(timezone.utc)
            audit.record(session, 'roster sync from the LMS failed', sync.requested_by, context.course_id,
                         detail=sync.message)
            session.commit()
            return
        sync.status, sync.added, sync.changed, sync.removed = 'done', added, changed, len(removed)
        sync.message = _summary(len(members), skipped, added, changed, removed)
        sync.finished_at = datetime.now(timezone.utc)
        audit.record(session, 'roster synced from the LMS', sync.requested_by, context.course_id,
                     detail=sync.message)
        session.commit()


def fail(Session, sync_id, message):
    """The row failed with message (an unexpected error of the worker)."""
    with Session() as session:
        sync = session.get(LtiRosterSync, sync_id)
        if sync is not None and sync.status in ('queued', 'running'):
            sync.status, sync.message = 'failed', message[:MESSAGE_MAX]
            sync.finished_at = datetime.now(timezone.utc)
            session.commit()
