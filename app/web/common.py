"""What every page needs: templates, the cookie-signed-in user, the CSRF field, error pages."""
import os

from fastapi import HTTPException
from fastapi.templating import Jinja2Templates

from app.accounts.access import find_assignment, require_instructor
from app.core.db import aware, utc_text
from app.core.throttle import describe_wait
from app.http.deps import COOKIE, csrf_token, user_for_token
from app.lti.accounts import LTI_DOMAIN
from grader.components import COMPONENT_NAMES
from grader.report import notation

templates = Jinja2Templates(directory=os.path.join(os.path.dirname(__file__), 'templates'))


class SignInRequired(Exception):
    """Raised by pages for visitors without a valid session; answered with a redirect to /login."""


def when(moment):
    return utc_text(moment)


def points(value):
    return '—' if value is None else ('%.2f' % value).rstrip('0').rstrip('.')


def local_input(moment):
    """A stored time for an <input type=datetime-local> (UTC)."""
    return aware(moment).strftime('%Y-%m-%dT%H:%M') if moment else ''


def without_prefix(message, description):
    """A check's message without the configuration, which has its own column."""
    lead = (description or '') + ': '
    return message[len(lead):] if description and message.startswith(lead) else message


def shown_as(user):
    """How the header names the signed-in account: its e-mail, or the LMS's name for an account made by an LTI
    launch (its address under .invalid means nothing to its holder)."""
    return user.name if user.email.endswith(LTI_DOMAIN) and user.name else user.email


def seconds(value):
    """An estimated wait as people read it: 'a moment', '40 s', '3 min'."""
    return 'a moment' if value < 1 else describe_wait(value)


templates.env.filters.update(when=when, points=points, local_input=local_input, without_prefix=without_prefix,
                             seconds=seconds)
templates.env.globals.update(component_name=lambda c: COMPONENT_NAMES.get(c, c), notation=notation, shown_as=shown_as)


def page_user(request, session):
    user = user_for_token(session, request.cookies.get(COOKIE))
    if user is None:
        raise SignInRequired()
    return user


def instructor_page(request, session, slug, form=None):
    """(user, assignment) for a page of the assignment's course's instructors (with form: a form they sent,
    its CSRF field checked), else sign-in, 403 or 404."""
    user = page_user(request, session)
    if form is not None:
        check_csrf(request, form)
    assignment = find_assignment(session, slug)
    require_instructor(session, user, assignment, 'see this page')
    return user, assignment


def check_csrf(request, form):
    if form.get('csrf') != csrf_token(request.cookies.get(COOKIE, '')):
        raise HTTPException(403, 'this form has expired: reload the page and try again')


def render(request, name, user=None, status_code=200, **context):
    token = request.cookies.get(COOKIE, '')
    context.update(request=request, user=user, csrf=csrf_token(token) if token else '')
    return templates.TemplateResponse(request, name, context, status_code=status_code)
