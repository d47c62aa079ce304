"""What the operator does with LMS registrations, each change audited and committed: the commands
(python -m app.admin lti-*, app/cli/lti_admin.py) and the admin page (/admin/lti, app/web/lti_admin_pages.py)
both call these. actor_id: the admin's account on the page, None for the command line. Refusals are
registry.Refused with a sentence to show."""
import json

from cryptography.hazmat.primitives import serialization
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select

from app.core.models import Assignment, Course
from app.courses import audit
from app.lti import keys, registry
from app.lti.tables import LtiContext, LtiDeployment, LtiPlatform, LtiToolKey


def register(session, actor_id, issuer, client_id, login_url, token_url, jwks_url, deployments=(), name='',
             default_assignment=None):
    """A platform registered (again: its URLs replaced, deployment ids added) -> (platform, new)."""
    platform, new = registry.register(session, issuer, client_id, login_url, token_url, jwks_url, deployments, name,
                                      default_assignment)
    audit.record(session, 'LTI platform registered' if new else 'LTI platform updated', actor_id,
                 detail='%s client %s' % (platform.issuer, platform.client_id))
    session.commit()
    keys.signing_key(session)               # the tool has a key to show and publish from now on
    return platform, new


def add_deployment(session, actor_id, platform, deployment_id):
    """-> whether the deployment id was new."""
    added = registry.add_deployments(session, platform, [deployment_id])
    if added:
        audit.record(session, 'LTI deployment added', actor_id,
                     detail='%s client %s deployment %s' % (platform.issuer, platform.client_id, deployment_id))
    session.commit()
    return bool(added)


def link_course(session, actor_id, platform, context_id, course_slug):
    row = registry.link_course(session, platform, context_id, course_slug)
    audit.record(session, 'LTI course linked', actor_id, course_id=row.course_id,
                 detail='%s context %s' % (platform.issuer, row.context_id))
    session.commit()
    return row


def rotate_keys(session, actor_id):
    """-> (the new signing key, the kids of retired keys deleted)."""
    key, deleted = keys.rotate(session)
    audit.record(session, 'LTI keys rotated', actor_id, detail='new kid %s' % key.kid)
    session.commit()
    return key, deleted


def platforms(session):
    """Every registration as a dict: platform, deployments, default (slug or None), contexts [(context, course)]."""
    found = []
    for platform in session.scalars(select(LtiPlatform).order_by(LtiPlatform.issuer, LtiPlatform.client_id)):
        default = platform.default_assignment_id and session.get(Assignment, platform.default_assignment_id)
        found.append({'platform': platform, 'default': default.slug if default else None,
                      'deployments': session.scalars(select(LtiDeployment.deployment_id).where(
                          LtiDeployment.platform_id == platform.id).order_by(LtiDeployment.deployment_id)).all(),
                      'contexts': session.execute(select(LtiContext, Course).join(
                          Course, Course.id == LtiContext.course_id).where(LtiContext.platform_id == platform.id)
                          .order_by(LtiContext.context_id)).all()})
    return found


def tool_keys(session):
    return session.scalars(select(LtiToolKey).order_by(LtiToolKey.created_at.desc())).all()


def tool_values(session, base):
    """What the LMS asks of the tool: its URLs, and the current public key (kid, JWK, PEM)."""
    key = keys.signing_key(session)
    pem = RSAAlgorithm.from_jwk(key.public_jwk).public_bytes(serialization.Encoding.PEM,
                                                             serialization.PublicFormat.SubjectPublicKeyInfo)
    return {'login': base + '/lti/login', 'launch': base + '/lti/launch', 'deep_linking': base + '/lti/launch',
            'jwks': base + '/lti/jwks', 'kid': key.kid, 'jwk': json.dumps(key.public_jwk, indent=1),
            'pem': pem.decode()}
