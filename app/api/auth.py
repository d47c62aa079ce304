"""POST /api/v1/auth/token: the OAuth2 password flow (form fields username, password)."""
from datetime import datetime, timedelta, timezone
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from app.deps import SessionDep
from app.models import ApiToken, User
from app.security import new_token, verify_password

router = APIRouter(prefix='/auth', tags=['auth'])


@router.post('/token')
def login(request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]):
    user = session.scalars(select(User).where(User.email == form.username.strip().lower())).first()
    if user is None or not verify_password(user.password_hash, form.password):
        raise HTTPException(401, 'wrong e-mail or password', {'WWW-Authenticate': 'Bearer'})
    token, digest = new_token()
    now = datetime.now(timezone.utc)
    lifetime = request.app.state.settings.token_lifetime_s
    session.add(ApiToken(user_id=user.id, token_sha256=digest, created_at=now,
                         expires_at=now + timedelta(seconds=lifetime)))
    session.commit()
    return {'access_token': token, 'token_type': 'bearer'}
