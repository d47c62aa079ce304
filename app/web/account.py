"""The account page: change one's own password (other sessions are signed out)."""
from typing import Annotated

from fastapi import APIRouter, Form, Request

from app.accounts.passwords import MIN_LENGTH, change
from app.core.errors import DomainError, WrongCredentials
from app.http.deps import COOKIE, SessionDep
from app.http.errors import status_of

from .common import check_csrf, page_user, render

router = APIRouter(include_in_schema=False)


@router.get('/account')
def account_page(request: Request, session: SessionDep):
    return render(request, 'account.html', page_user(request, session), min_length=MIN_LENGTH)


@router.post('/account/password')
def change_password(request: Request, session: SessionDep, csrf: Annotated[str, Form()],
                    current: Annotated[str, Form()], new: Annotated[str, Form()], repeat: Annotated[str, Form()]):
    user = page_user(request, session)
    check_csrf(request, {'csrf': csrf})
    try:
        change(session, request.app.state.settings, request.client.host if request.client else None, user,
               current, new, repeat, keep_token=request.cookies.get(COOKIE))
    except DomainError as exc:
        error = 'the current password is wrong' if isinstance(exc, WrongCredentials) else exc.message
        return render(request, 'account.html', user, status_code=status_of(exc), error=error, min_length=MIN_LENGTH)
    return render(request, 'account.html', user, changed=True, min_length=MIN_LENGTH)
