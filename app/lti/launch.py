"""A launch (/lti/launch) carried out: the login's state consumed and matched with this browser's cookie, the
id_token checked (app.lti.claims), its nonce stored once, the account linked, the course joined with the LMS's
role, and the assignment the link opens found (a deep linking request: the page choosing one). Nothing is
changed unless every check passes."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.core.db import aware
from app.core.models import Assignment
from app.lti import accounts, claims, deep_linking, registry, roles
from app.lti.errors import LaunchRefused
from app.lti.login import cookie_name
from app.lti.tables import LtiContext, LtiLoginState, LtiNonce, LtiPlatform, LtiResourceLink

STATE_MAX = 64


def _consume_state(session, state, now):
    row = session.get(LtiLoginState, state) if isinstance(state, str) and 0 < len(state) <= STATE_MAX else None
    if row is None or aware(row.expires_at) < now:
        raise LaunchRefused('state', 'this launch is unknown, expired or was already used: launch the assignment '
                            'again from your LMS course')
    session.delete(row)
    session.commit()
    return row


def remember_nonce(session, platform_id, nonce, expires_at, now):
    """False when the nonce was seen before (a replay); expired nonces are forgotten."""
    session.execute(delete(LtiNonce).where(LtiNonce.expires_at < now))
    if session.get(LtiNonce, (platform_id, nonce)) is not None:
        return False
    session.add(LtiNonce(platform_id=platform_id, nonce=nonce, expires_at=expires_at))
    try:
        session.flush()
    except IntegrityError:                 # the same token posted twice at once
        session.rollback()
        return False
    return True


def finish(session, form, cookies, key_cache, now=None):
    """-> (user, path of the page to open). LaunchRefused with the reason otherwise."""
    now = now or datetime.now(timezone.utc)
    state = form.get('state')
    row = _consume_state(session, state, now)
    if cookies.get(cookie_name(state)) != state:
        raise LaunchRefused('cookie', 'this browser did not start this launch (the grader\'s login cookie is '
                            'missing): browsers that block cookies inside the LMS\'s page lose it. Open the '
                            'grader in a new window.', relaunch=row.params)
    platform = session.get(LtiPlatform, row.platform_id)
    launch = claims.check(form.get('id_token'), platform, lambda kid: key_cache.key(platform.jwks_url, kid),
                          row.nonce, registry.deployment_ids(session, platform), now.timestamp())
    # a token is refused once its iat is MAX_AGE_S old, whatever its exp says: its nonce is kept that long
    expiry = now + timedelta(seconds=claims.MAX_AGE_S + 2 * claims.LEEWAY_S)
    if not remember_nonce(session, platform.id, row.nonce, expiry, now):
        raise LaunchRefused('nonce', 'this launch was already used: launch the assignment again from your LMS')
    role = roles.course_role(launch.roles)
    if role is None:
        raise LaunchRefused('role', 'your role in this LMS course (%s) gives no access to the grader: only '
                            'instructors, teaching assistants and learners are let in'
                            % (', '.join(r.rsplit('#', 1)[-1] for r in launch.roles[:5]) or 'none'), status_code=403)
    context = session.scalars(select(LtiContext).where(LtiContext.platform_id == platform.id,
                                                       LtiContext.context_id == launch.context_id)).first()
    if context is None:
        raise LaunchRefused('course', 'the LMS course %r (context id %s) is not linked to a course of the grader: '
                            'ask its operator to run python -m app.admin lti-link-course %s %s COURSE'
                            % (launch.context_title, launch.context_id, platform.issuer, launch.context_id),
                            status_code=403)
    if launch.deep_linking is not None:
        deep_linking.require_instructor(role)
    assignment = None if launch.deep_linking else _assignment(session, platform, context, launch)
    context.title = launch.context_title or context.title
    context.memberships_url = launch.memberships_url or context.memberships_url
    try:
        if launch.deep_linking is None:
            _record_link(session, platform, context, launch, assignment)
        user = accounts.account(session, platform, launch)
        accounts.join(session, user, context.course_id, role)
        target = deep_linking.keep(session, platform, context, launch, user, now) if launch.deep_linking else (
            '/assignments/%s' % assignment.slug if assignment else '/')
        session.commit()
    except IntegrityError:                 # another first launch of the same person or link at the same moment
        session.rollback()
        raise LaunchRefused('busy', 'two launches of yours arrived at once: launch again from your LMS',
                            status_code=409)
    return user, target


def _assignment(session, platform, context, launch):
    """The link's custom parameter assignment=SLUG (deep linking sets it), else the assignment the link opened
    before, else the registration's default; only one of the linked course's assignments (None: the home page)."""
    link = session.scalars(select(LtiResourceLink).where(LtiResourceLink.platform_id == platform.id,
                                                         LtiResourceLink.resource_link_id == launch.resource_link_id)
                           ).first()
    if launch.custom.get('assignment'):
        slug = launch.custom['assignment']
        found = session.scalars(select(Assignment).where(Assignment.slug == slug)).first()
        if found is None or found.course_id != context.course_id:
            raise LaunchRefused('assignment', 'this link opens the assignment %r, which its course in the grader '
                                'does not have: ask your instructor to fix the link' % slug[:64], status_code=404)
    elif link is not None and link.assignment_id is not None:
        found = session.get(Assignment, link.assignment_id)
    else:
        found = platform.default_assignment_id and session.get(Assignment, platform.default_assignment_id)
    return found if found is not None and found.course_id == context.course_id else None


def _checked(url):
    """A service URL of the launch when it is https (http on loopback), else '' (not kept)."""
    try:
        return registry.check_url(url, 'a service URL') if url else ''
    except registry.Refused:
        return ''


def _record_link(session, platform, context, launch, assignment):
    link = session.scalars(select(LtiResourceLink).where(LtiResourceLink.platform_id == platform.id,
                                                         LtiResourceLink.resource_link_id == launch.resource_link_id)
                           ).first()
    if link is None:
        link = LtiResourceLink(platform_id=platform.id, resource_link_id=launch.resource_link_id,
                               context_id=context.id)
        session.add(link)
    link.lineitem_url = _checked(launch.lineitem_url) or link.lineitem_url
    context.lineitems_url = _checked(launch.lineitems_url) or context.lineitems_url
    link.title = launch.link_title or link.title
    if assignment is not None and assignment.id != link.assignment_id:    # the link now opens another assignment:
        if link.assignment_id is not None and not launch.lineitem_url:    # its scores go to that one's column
            link.lineitem_url = None
        link.assignment_id = assignment.id
