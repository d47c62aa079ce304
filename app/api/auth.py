"""POST /api/v1/auth/token: the OAuth2 password flow (form fields username, password).

Wrong passwords spend a token bucket per e-mail and one (ten times larger) per client address; an empty
bucket answers 429 before the password is even checked (app/accounts/signin.py).
POST /api/v1/auth/password: change one's own password; every other token of the account stops working."""
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from app.accounts.passwords import change
from app.accounts.signin import authenticate, issue_token
from app.http.deps import COOKIE, CurrentUser, SessionDep, oauth2

router = APIRouter(prefix='/auth', tags=['auth'])


@router.post('/token')
def login(request: Request, session: SessionDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]):
    settings = request.app.state.settings
    user = authenticate(session, settings, request.client.host if request.client else None, form.username,
                        form.password)
    return {'access_token': issue_token(session, settings, user), 'token_type': 'bearer'}


class PasswordChange(BaseModel):
    current_password: str
    new_password: str


@router.post('/password', status_code=204)
def change_password(request: Request, session: SessionDep, user: CurrentUser, body: PasswordChange,
                    bearer: Annotated[str | None, Depends(oauth2)]):
    """204; 401 for a wrong current password (it counts as a wrong sign-in), 422 for a refused new one."""
    change(session, request.app.state.settings, request.client.host if request.client else None, user,
           body.current_password, body.new_password, body.new_password,
           keep_token=bearer or request.cookies.get(COOKIE))
    return Response(status_code=204)
