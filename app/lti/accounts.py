"""Grader accounts of LMS users, found by (platform, sub) only: an e-mail the LMS sends never opens an account
(anyone who controls a platform's user records could claim any address). An LMS user gets an account of its
own, with an address under .invalid (reserved: never delivered) and no password: it signs in through the LMS."""
import hashlib
from datetime import datetime, timezone

from sqlalchemy import select

from app.core.models import Membership, User
from app.courses import audit
from app.lti.tables import LtiAccount

LTI_DOMAIN = '.lti.invalid'
NO_PASSWORD = '!lti'          # no argon2 hash: verify_password refuses every password


def lti_email(platform, sub):
    return 'lti-%s@platform-%d%s' % (hashlib.sha256(sub.encode()).hexdigest()[:20], platform.id, LTI_DOMAIN)


def account(session, platform, launch, how='LTI launch'):
    """The user linked to (platform, launch.sub), made on the first launch (or roster sync: how); its name
    follows the LMS."""
    link = session.scalars(select(LtiAccount).where(LtiAccount.platform_id == platform.id,
                                                    LtiAccount.sub == launch.sub)).first()
    if link is not None:
        user = session.get(User, link.user_id)
        if launch.name and user.name != launch.name:
            user.name = launch.name
        return user
    user = User(email=lti_email(platform, launch.sub), name=launch.name, role='student', password_hash=NO_PASSWORD,
                created_at=datetime.now(timezone.utc))
    session.add(user)
    session.flush()
    session.add(LtiAccount(platform_id=platform.id, sub=launch.sub, user_id=user.id))
    audit.record(session, 'account created', subject_id=user.id, detail='%s from %s' % (how, platform.issuer[:100]))
    return user


def join(session, user, course_id, role):
    """The user's membership of the course is the role the LMS gives (added or changed, audited)."""
    row = session.scalars(select(Membership).where(Membership.user_id == user.id,
                                                   Membership.course_id == course_id)).first()
    if row is not None and row.role == role:
        return
    if row is None:
        session.add(Membership(user_id=user.id, course_id=course_id, role=role))
    else:
        row.role = role
    audit.record(session, 'enrolled by LTI', course_id=course_id, subject_id=user.id, detail=role)
