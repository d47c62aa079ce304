"""Changing one's own password, and an instructor issuing a new one to a student who forgot theirs.

There is no e-mail: a forgotten password is replaced by an instructor of the course that made the account (while
it is a student of that instructor's courses only) or by an admin, who sees the new one once and passes it on.
Either way every other session of the account is signed out.
"""
from sqlalchemy import delete, select

from app.accounts.security import hash_generated, hash_password, random_password, token_digest
from app.accounts.signin import authenticate
from app.core.errors import Invalid, NotAllowed
from app.core.models import AccountHome, ApiToken, IssuedPassword, Membership
from app.courses import audit

MIN_LENGTH, MAX_LENGTH = 10, 200


def new_password_problem(user, current, new, repeat):
    """Why `new` cannot be the password, or None."""
    if new != repeat:
        return 'the two new passwords differ'
    if len(new) < MIN_LENGTH:
        return 'the new password needs at least %d characters' % MIN_LENGTH
    if len(new) > MAX_LENGTH:
        return 'the new password may have at most %d characters' % MAX_LENGTH
    if new == current:
        return 'the new password is the current one'
    if new.strip().lower() == user.email.lower():
        return 'the new password is your e-mail address'
    return None


def change(session, settings, client, user, current, new, repeat, keep_token=None):
    """Set a new password after checking the current one (behind the wrong-password buckets: WrongCredentials,
    TooMany); Invalid when the new one is refused. Sessions other than keep_token are signed out."""
    authenticate(session, settings, client, user.email, current)
    problem = new_password_problem(user, current, new, repeat)
    if problem:
        raise Invalid(problem)
    audit.record(session, 'password changed', user.id, subject_id=user.id)
    _set(session, user, new, keep_token)


def reset_problem(session, actor, account):
    """Why `actor` may not issue `account` a new password, or ''. Rights follow who owns the account, not who
    enrolled it last: an admin may for anyone else; an instructor only for a student account that a course
    they teach made (its home course) and that is a student in no course they do not teach. Anyone who teaches
    anywhere, an admin, an account made by the operator, or one enrolled elsewhere too: an admin only."""
    if account.id == actor.id:
        return 'your own password is changed on your account page'
    if actor.role == 'admin':
        return ''
    held = session.execute(select(Membership.course_id, Membership.role).where(
        Membership.user_id == account.id)).all()
    taught = set(session.scalars(select(Membership.course_id).where(Membership.user_id == actor.id,
                                                                    Membership.role == 'instructor')))
    home = getattr(session.get(AccountHome, account.id), 'course_id', None)
    why = ('the account is an admin' if account.role == 'admin' else
           'the account teaches a course' if any(role != 'student' for _, role in held) else
           'the account was not made by the roster of a course you teach' if home not in taught
           else 'the account is also enrolled in a course you do not teach' if any(c not in taught for c, _ in held)
           else '')
    return why and 'Only an admin can issue %s a new password (%s): ask an admin.' % (account.email, why)


def reset(session, actor, account, course_id=None):
    """A new random password for the account (returned, to be shown once); NotAllowed with the reason otherwise."""
    problem = reset_problem(session, actor, account)
    if problem:                           # kept: an instructor trying others' accounts shows in the trail
        audit.record(session, 'password reset refused', actor.id, course_id, subject_id=account.id, detail=problem)
        session.commit()
        raise NotAllowed(problem)
    return issue(session, account, actor.id, course_id)


def issue(session, user, actor_id=None, course_id=None):
    """A new random password for any account (returned once); its sessions end. actor_id None: the CLI."""
    password = reissue(session, user, actor_id, course_id, 'password reset')
    session.commit()
    return password


def reissue(session, user, actor_id, course_id, action='password re-issued'):
    """A new random password, shown to course_id's instructor (None: the operator); no commit."""
    audit.record(session, action, actor_id, course_id, subject_id=user.id)
    password = random_password()
    _assign(session, user, password, generated=True)
    issued = session.get(IssuedPassword, user.id)
    if issued is None:
        session.add(IssuedPassword(user_id=user.id, course_id=course_id))
    else:
        issued.course_id = course_id
    return password


def _set(session, user, password, keep_token=None):
    """The holder's own new password: no longer one anybody was shown."""
    _assign(session, user, password, keep_token)
    session.execute(delete(IssuedPassword).where(IssuedPassword.user_id == user.id))
    session.commit()


def _assign(session, user, password, keep_token=None, generated=False):
    user.password_hash = (hash_generated if generated else hash_password)(password)
    signed_out = delete(ApiToken).where(ApiToken.user_id == user.id)
    if keep_token:
        signed_out = signed_out.where(ApiToken.token_sha256 != token_digest(keep_token))
    session.execute(signed_out)

