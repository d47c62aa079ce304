"""Signing in, shared by the API and the pages: password check behind the wrong-password buckets, tokens."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.accounts.security import new_token, verify_password
from app.core.errors import TooMany, WrongCredentials
from app.core.models import ApiToken, User
from app.core.throttle import describe_wait, take, wait_s


def _buckets(settings, client, email):
    per_second = settings.login_failures / float(settings.login_window_s)
    return [('login:' + email, settings.login_failures, per_second),
            ('login-ip:' + client, 10 * settings.login_failures, 10 * per_second)]


def authenticate(session, settings, client, email, password):
    """The user, or WrongCredentials, or TooMany (too many wrong ones: the password is not even checked)."""
    email = email.strip().lower()
    if len(email) > 254:                  # no account has such an address: never a bucket key of that size
        raise WrongCredentials('wrong e-mail or password')
    buckets = _buckets(settings, client or 'unknown', email)
    wait = max(wait_s(session, *b) for b in buckets)
    if wait:
        raise TooMany('too many wrong passwords: try again in %s' % describe_wait(wait), wait)
    user = session.scalars(select(User).where(User.email == email)).first()
    if not verify_password(user.password_hash if user else None, password):
        for b in buckets:
            take(session, *b)
        session.commit()
        raise WrongCredentials('wrong e-mail or password')
    return user


def issue_token(session, settings, user):
    token, digest = new_token()
    now = datetime.now(timezone.utc)
    session.add(ApiToken(user_id=user.id, token_sha256=digest, created_at=now,
                         expires_at=now + timedelta(seconds=settings.token_lifetime_s)))
    session.commit()
    return token
