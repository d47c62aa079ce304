"""/admin/lti: the site admins' page for LMS registrations (LTI 1.3): the tool's values to paste into the LMS,
the registered platforms with their deployments and linked courses, forms to register a platform, add a
deployment, link an LMS course, and rotate the tool's keys. The work is app.lti.manage's, as for the commands;
every form carries the CSRF field and every change is audited with the admin as actor."""
from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import select

from app.core.models import Course
from app.http.deps import SessionDep
from app.lti import manage, registry
from app.lti.tables import LtiPlatform

from .common import check_csrf, page_user, render
from .lti_pages import tool_base

router = APIRouter(prefix='/admin/lti', include_in_schema=False)
FIELDS = ('name', 'issuer', 'client_id', 'login_url', 'token_url', 'jwks_url', 'deployments')
MAX_DEPLOYMENTS = 50         # ids in one form


def _admin(request, session, form=None):
    user = page_user(request, session)
    if user.role != 'admin':
        raise HTTPException(403, 'only the site\'s administrators manage the LMS registrations')
    if form is not None:
        check_csrf(request, form)
    return user


def _text(form, name):
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ''


def _page(request, session, user, status_code=200, error=None, done=None, values=None):
    return render(request, 'lti_admin.html', user, status_code=status_code, error=error, done=done,
                  values=values or {}, platforms=manage.platforms(session), keys=manage.tool_keys(session),
                  tool=manage.tool_values(session, tool_base(request)),
                  courses=session.scalars(select(Course.slug).order_by(Course.slug)).all())


def _platform(session, form):
    value = _text(form, 'platform')
    platform = session.get(LtiPlatform, int(value)) if value.isdigit() and len(value) < 10 else None
    if platform is None:
        raise registry.Refused('no such platform: reload the page')
    return platform


@router.get('')
def page(request: Request, session: SessionDep):
    return _page(request, session, _admin(request, session))


@router.post('/{action}')
async def change(action: str, request: Request, session: SessionDep):
    form = await request.form()
    user = _admin(request, session, form)
    values = {name: _text(form, name) for name in FIELDS} if action == 'register' else None
    try:
        if action == 'register':
            deployments = values['deployments'].split()
            if len(deployments) > MAX_DEPLOYMENTS:
                raise registry.Refused('at most %d deployment ids at once' % MAX_DEPLOYMENTS)
            platform, new = manage.register(session, user.id, values['issuer'], values['client_id'],
                                            values['login_url'], values['token_url'], values['jwks_url'],
                                            deployments, values['name'])
            done = '%s %s (client %s).' % ('Registered' if new else 'Updated', platform.issuer, platform.client_id)
        elif action == 'deployment':
            platform = _platform(session, form)
            new = manage.add_deployment(session, user.id, platform, _text(form, 'deployment_id'))
            done = 'Deployment %s %s.' % (_text(form, 'deployment_id'), 'added' if new else 'was already registered')
        elif action == 'link':
            platform = _platform(session, form)
            row = manage.link_course(session, user.id, platform, _text(form, 'context_id'), _text(form, 'course'))
            done = 'Launches from LMS course %s now join course %s.' % (row.context_id, _text(form, 'course'))
        elif action == 'rotate-keys':
            key, _ = manage.rotate_keys(session, user.id)
            done = 'New signing key %s; the former one stays published for 7 days.' % key.kid
        else:
            raise HTTPException(404, 'no such form')
    except registry.Refused as exc:
        session.rollback()
        message = str(exc)
        return _page(request, session, user, status_code=400, error=message[:1].upper() + message[1:] + '.',
                     values=values)
    return _page(request, session, user, done=done)
