"""Request dependencies: settings, a database session, the signed-in user."""
from datetime import datetime, timezone
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select

from app.db import aware
from app.models import ApiToken, User
from app.security import token_digest

oauth2 = OAuth2PasswordBearer(tokenUrl='/api/v1/auth/token', auto_error=False)


def get_session(request: Request):
    with request.app.state.sessionmaker() as session:
        yield session


SessionDep = Annotated[object, Depends(get_session)]


def get_current_user(session: SessionDep, token: Annotated[str | None, Depends(oauth2)]):
    unauthorized = HTTPException(401, 'not signed in or the token expired', {'WWW-Authenticate': 'Bearer'})
    if not token:
        raise unauthorized
    row = session.scalars(select(ApiToken).where(ApiToken.token_sha256 == token_digest(token))).first()
    if row is None or aware(row.expires_at) <= datetime.now(timezone.utc):
        raise unauthorized
    return session.get(User, row.user_id)


CurrentUser = Annotated[User, Depends(get_current_user)]
