"""Changing one's own password, and an instructor issuing a new one to a student who forgot theirs.

There is no e-mail: a forgotten password is replaced by an instructor of one of the student's courses, who
sees the new one once and passes it on. Either way every other session of the account is signed out.
"""
from fastapi import HTTPException
from sqlalchemy import delete, select

from app import audit
from app.accounts import authenticate
from app.models import ApiToken, Membership
from app.security import hash_password, random_password, token_digest

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
    """Set a new password after checking the current one (behind the wrong-password buckets: 401/429);
    422 when the new one is refused. Sessions other than keep_token are signed out."""
    authenticate(session, settings, client, user.email, current)
    problem = new_password_problem(user, current, new, repeat)
    if problem:
        raise HTTPException(422, problem)
    audit.record(session, 'password changed', user.id, subject_id=user.id)
    _set(session, user, new, keep_token)


def may_reset(session, instructor, student):
    """An admin, or an instructor of a course the student is enrolled in; never for an admin or an account
    that teaches anywhere (their passwords would open other courses)."""
    if student.role == 'admin' or student.id == instructor.id:
        return False
    if session.scalars(select(Membership).where(Membership.user_id == student.id,
                                                Membership.role == 'instructor')).first():
        return False
    if instructor.role == 'admin':
        return True
    taught = select(Membership.course_id).where(Membership.user_id == instructor.id,
                                                Membership.role == 'instructor')
    return session.scalars(select(Membership).where(Membership.user_id == student.id,
                                                    Membership.course_id.in_(taught))).first() is not None


def reset(session, instructor, student, course_id=None):
    """A new random password for the student (returned, to be shown once); 403 when not allowed."""
    if not may_reset(session, instructor, student):
        raise HTTPException(403, 'only an instructor of one of this student\'s courses can issue a new password')
    return issue(session, student, instructor.id, course_id)


def issue(session, user, actor_id=None, course_id=None):
    """A new random password for any account (returned once); its sessions end. actor_id None: the CLI."""
    audit.record(session, 'password reset', actor_id, course_id, subject_id=user.id)
    password = random_password()
    _set(session, user, password)
    return password


def _set(session, user, password, keep_token=None):
    user.password_hash = hash_password(password)
    signed_out = delete(ApiToken).where(ApiToken.user_id == user.id)
    if keep_token:
        signed_out = signed_out.where(ApiToken.token_sha256 != token_digest(keep_token))
    session.execute(signed_out)
    session.commit()

