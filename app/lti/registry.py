"""Platform registrations (issuer, client id, its URLs, deployment ids) and the LMS courses linked to grader
courses: what python -m app.admin lti-* changes. Every value is bounded and URLs must be https (or loopback)."""
from datetime import datetime, timezone
from urllib.parse import urlsplit

from sqlalchemy import select

from app.core.models import Assignment, Course
from app.lti.tables import ID_MAX, URL_MAX, LtiContext, LtiDeployment, LtiPlatform

LOOPBACK = ('127.0.0.1', 'localhost', '::1')


class Refused(ValueError):
    pass


def check_url(url, what):
    """url when it is an absolute https URL (http only on loopback) of at most URL_MAX characters."""
    parts = urlsplit(url) if isinstance(url, str) and len(url) <= URL_MAX else None
    if parts is None or not parts.hostname or parts.scheme not in ('https', 'http') or (
            parts.scheme == 'http' and parts.hostname not in LOOPBACK):
        raise Refused('%s %r is not an https URL of at most %d characters' % (what, str(url)[:80], URL_MAX))
    return url


def check_id(value, what):
    if not isinstance(value, str) or not value.strip() or len(value) > ID_MAX or not value.isprintable():
        raise Refused('%s must be 1 to %d printable characters' % (what, ID_MAX))
    return value


def find(session, issuer, client_id=None):
    """The registration of issuer (and client_id); Refused when none or when the issuer has several and no
    client id tells them apart."""
    query = select(LtiPlatform).where(LtiPlatform.issuer == issuer)
    if client_id:
        query = query.where(LtiPlatform.client_id == client_id)
    found = session.scalars(query.limit(2)).all()
    if not found:
        raise Refused('no platform %s%s is registered' % (str(issuer)[:ID_MAX],
                                                         ' with client id %s' % client_id[:ID_MAX] if client_id else ''))
    if len(found) > 1:
        raise Refused('%s is registered with several client ids: give the client id' % issuer)
    return found[0]


def deployment_ids(session, platform):
    return set(session.scalars(select(LtiDeployment.deployment_id).where(LtiDeployment.platform_id == platform.id)))


def register(session, issuer, client_id, login_url, token_url, jwks_url, deployments=(), name='',
             default_assignment=None):
    """A new registration, or the URLs of an existing one replaced; deployment ids added. -> (platform, new)."""
    check_url(issuer, 'the issuer')
    check_id(client_id, 'the client id')
    urls = dict(login_url=check_url(login_url, 'the login URL'), token_url=check_url(token_url, 'the token URL'),
                jwks_url=check_url(jwks_url, 'the JWKS URL'))
    platform = session.scalars(select(LtiPlatform).where(LtiPlatform.issuer == issuer,
                                                         LtiPlatform.client_id == client_id)).first()
    new = platform is None
    if new:
        platform = LtiPlatform(issuer=issuer, client_id=client_id, created_at=datetime.now(timezone.utc), name='')
        session.add(platform)
    for k, v in urls.items():
        setattr(platform, k, v)
    if name:
        platform.name = name[:200]
    if default_assignment:
        assignment = session.scalars(select(Assignment).where(Assignment.slug == default_assignment)).first()
        if assignment is None:
            raise Refused('no assignment %s' % default_assignment[:64])
        platform.default_assignment_id = assignment.id
    session.flush()
    add_deployments(session, platform, deployments)
    return platform, new


def add_deployments(session, platform, deployments):
    """The deployment ids not yet registered added -> how many were new."""
    known, added = deployment_ids(session, platform), 0
    for d in deployments:
        if check_id(d, 'a deployment id') not in known:
            session.add(LtiDeployment(platform_id=platform.id, deployment_id=d))
            known.add(d)
            added += 1
    session.flush()
    return added


def link_course(session, platform, context_id, course_slug, title=''):
    """The LMS course context_id of platform opens the grader course course_slug (replacing an earlier link)."""
    check_id(context_id, 'the context id')
    course = session.scalars(select(Course).where(Course.slug == course_slug)).first()
    if course is None:
        raise Refused('no course %s' % course_slug[:64])
    row = session.scalars(select(LtiContext).where(LtiContext.platform_id == platform.id,
                                                   LtiContext.context_id == context_id)).first()
    if row is None:
        row = LtiContext(platform_id=platform.id, context_id=context_id, title=title[:200])
        session.add(row)
    row.course_id = course.id
    session.flush()
    return row
