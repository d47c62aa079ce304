"""POST /api/v1/auth/token: the OAuth2 password flow (form fields username, password).

Wrong passwords spend a token bucket per e-mail and one (ten times larger) per client address; an empty
bucket answers 429 before the password is even checked."""
from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from app.deps import SessionDep
from app.models import ApiToken, User
from app.security import new_token, verify_password
from app.throttle import describe_wait, take, wait_s

router = APIRouter(prefix='/auth', tags=['auth'])


def _buckets(request, email):
    s = request.app.state.settings
    per_second = s.login_failures / float(s.login_window_s)
    client = request.client.host if request.client else 'unknown'
    return [('login:' + email, s.login_failures, per_second),
            ('login-ip:' + client, 10 * s.login_failures, 10 * per_second)]


@router.post('/token')
def login(request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]):
    email = form.username.strip().lower()
    buckets = _buckets(request, email)
    wait = max(wait_s(session, *b) for b in buckets)
    if wait:
        raise HTTPException(429, 'too many wrong passwords: try again in %s' % describe_wait(wait),
                            {'Retry-After': str(max(1, int(wait + 0.999)))})
    user = session.scalars(select(User).where(User.email == email)).first()
    if not verify_password(user.password_hash if user else None, form.password):
        for b in buckets:
            take(session, *b)
        session.commit()
        raise HTTPException(401, 'wrong e-mail or password', {'WWW-Authenticate': 'Bearer'})
    token, digest = new_token()
    now = datetime.now(timezone.utc)
    lifetime = request.app.state.settings.token_lifetime_s
    session.add(ApiToken(user_id=user.id, token_sha256=digest, created_at=now,
                         expires_at=now + timedelta(seconds=lifetime)))
    session.commit()
    return {'access_token': token, 'token_type': 'bearer'}
