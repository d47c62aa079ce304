"""Request dependencies: a database session and the signed-in user (bearer token or the pages' cookie)."""
import hashlib
from datetime import datetime, timezone
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select

from app.accounts.security import token_digest
from app.core.db import aware
from app.core.models import ApiToken, User

oauth2 = OAuth2PasswordBearer(tokenUrl='/api/v1/auth/token', auto_error=False)
COOKIE = 'ag_session'
SAFE_METHODS = ('GET', 'HEAD', 'OPTIONS')


def csrf_token(token):
    """What a page must send back with a cookie-authenticated change (a form field or X-CSRF-Token)."""
    return hashlib.sha256(('csrf:' + token).encode()).hexdigest()[:32]


def get_session(request: Request):
    with request.app.state.sessionmaker() as session:
        yield session


SessionDep = Annotated[object, Depends(get_session)]


def user_for_token(session, token):
    if not token:
        return None
    row = session.scalars(select(ApiToken).where(ApiToken.token_sha256 == token_digest(token))).first()
    if row is None or aware(row.expires_at) <= datetime.now(timezone.utc):
        return None
    return session.get(User, row.user_id)


def get_current_user(request: Request, session: SessionDep, bearer: Annotated[str | None, Depends(oauth2)]):
    unauthorized = HTTPException(401, 'not signed in or the token expired', {'WWW-Authenticate': 'Bearer'})
    token = bearer or request.cookies.get(COOKIE)
    user = user_for_token(session, token)
    if user is None:
        raise unauthorized
    if not bearer and request.method not in SAFE_METHODS:
        if request.headers.get('X-CSRF-Token') != csrf_token(token):
            raise HTTPException(403, 'missing or wrong X-CSRF-Token for a cookie-authenticated request')
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
