"""Domain errors (app.core.errors) as HTTP answers: the one place that maps a refusal to its status and headers."""
import math

from fastapi import HTTPException

from app.core.errors import DomainError, Invalid, NotAllowed, NotFound, TooMany, WrongCredentials

STATUS = {NotFound: 404, NotAllowed: 403, WrongCredentials: 401, Invalid: 422, TooMany: 429}


def status_of(error):
    return next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)


def retry_after(wait):
    """The Retry-After header of a 429 for a wait in seconds (none for a bucket that never refills)."""
    return {} if wait is None or wait == math.inf else {'Retry-After': str(max(1, math.ceil(wait)))}


def as_http(error: DomainError):
    """The HTTPException the route layer answers a domain error with."""
    headers = {}
    if isinstance(error, WrongCredentials):
        headers = {'WWW-Authenticate': 'Bearer'}
    elif isinstance(error, TooMany):
        headers = retry_after(error.wait_s)
    return HTTPException(status_of(error), error.message, headers or None)
