"""POST /api/v1/auth/token: the OAuth2 password flow (form fields username, password).

Wrong passwords spend a token bucket per e-mail and one (ten times larger) per client address; an empty
bucket answers 429 before the password is even checked (app/accounts.py)."""
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from app.accounts import authenticate, issue_token
from app.deps import SessionDep

router = APIRouter(prefix='/auth', tags=['auth'])


@router.post('/token')
def login(request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]):
    settings = request.app.state.settings
    user = authenticate(session, settings, request.client.host if request.client else None, form.username,
                        form.password)
    return {'access_token': issue_token(session, settings, user), 'token_type': 'bearer'}
