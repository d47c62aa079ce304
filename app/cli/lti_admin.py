"""python -m app.admin lti-*: LMS platforms (LTI 1.3) registered, LMS courses linked, the tool's keys rotated.

  lti-register ISSUER CLIENT_ID --login-url U --token-url U --jwks-url U [--deployment ID]... [--name N]
               [--default-assignment SLUG]     a platform (again: its URLs replaced, deployment ids added)
  lti-link-course ISSUER CONTEXT_ID COURSE [--client-id ID]   launches from that LMS course join COURSE
  lti-list                                      platforms, deployments, linked courses, the tool's URLs and keys
  lti-rotate-keys                               a new signing key; the old one stays published 7 days
"""
from sqlalchemy import select

from app.core.config import get_settings
from app.core.models import Assignment, Course
from app.courses import audit
from app.lti import keys, registry
from app.lti.tables import LtiContext, LtiDeployment, LtiPlatform, LtiToolKey

Refused = registry.Refused


def add_parsers(sub):
    p = sub.add_parser('lti-register', help='register an LMS platform (LTI 1.3), or update its URLs')
    p.add_argument('issuer', help='the platform\'s issuer (iss), e.g. https://canvas.instructure.com')
    p.add_argument('client_id', help='the client id the platform gave the grader')
    p.add_argument('--login-url', required=True, help='the platform\'s OIDC authorization endpoint')
    p.add_argument('--token-url', required=True, help='its OAuth2 token endpoint')
    p.add_argument('--jwks-url', required=True, help='its public keys (JWKS)')
    p.add_argument('--deployment', action='append', default=[], metavar='ID', help='a deployment id (repeat)')
    p.add_argument('--name', default='')
    p.add_argument('--default-assignment', metavar='SLUG', help='opened by links that name no assignment')
    p = sub.add_parser('lti-link-course', help='launches from an LMS course join a grader course')
    p.add_argument('issuer')
    p.add_argument('context_id', help='the LMS course\'s context id (the refused launch\'s page shows it)')
    p.add_argument('course', help='the grader course\'s slug')
    p.add_argument('--client-id', help='needed when the issuer is registered with several client ids')
    sub.add_parser('lti-list', help='LMS platforms, deployments, linked courses, the tool\'s URLs and keys')
    sub.add_parser('lti-rotate-keys', help='a new signing key for the tool (the old one stays published 7 days)')


def lti_register(session, args, out, note):
    platform, new = registry.register(session, args.issuer, args.client_id, args.login_url, args.token_url,
                                      args.jwks_url, args.deployment, args.name, args.default_assignment)
    audit.record(session, 'LTI platform registered' if new else 'LTI platform updated',
                 detail='%s client %s' % (platform.issuer, platform.client_id))
    session.commit()
    keys.signing_key(session)
    note('platform %s (client %s) %s; %d deployment ids' % (
        platform.issuer, platform.client_id, 'registered' if new else 'updated',
        len(registry.deployment_ids(session, platform))))


def lti_link_course(session, args, out, note):
    platform = registry.find(session, args.issuer, args.client_id)
    row = registry.link_course(session, platform, args.context_id, args.course)
    audit.record(session, 'LTI course linked', course_id=row.course_id,
                 detail='%s context %s' % (platform.issuer, row.context_id))
    session.commit()
    note('launches from %s context %s join course %s' % (platform.issuer, row.context_id, args.course))


def lti_list(session, args, out, note):
    base = get_settings().public_url.rstrip('/') or 'AG_PUBLIC_URL'
    out.write('tool: login %s/lti/login  launch %s/lti/launch  jwks %s/lti/jwks\n' % (base, base, base))
    for platform in session.scalars(select(LtiPlatform).order_by(LtiPlatform.issuer, LtiPlatform.client_id)):
        default = platform.default_assignment_id and session.get(Assignment, platform.default_assignment_id)
        out.write('%s  client %s  %s\n' % (platform.issuer, platform.client_id, platform.name))
        out.write('  login %s  token %s  jwks %s\n' % (platform.login_url, platform.token_url, platform.jwks_url))
        deployments = session.scalars(select(LtiDeployment.deployment_id).where(
            LtiDeployment.platform_id == platform.id).order_by(LtiDeployment.deployment_id)).all()
        out.write('  deployments %s; default assignment %s\n' % (', '.join(deployments) or '-',
                                                                 default.slug if default else '-'))
        for context, course in session.execute(select(LtiContext, Course).join(
                Course, Course.id == LtiContext.course_id).where(LtiContext.platform_id == platform.id)
                .order_by(LtiContext.context_id)):
            out.write('  context %s %s -> course %s\n' % (context.context_id, context.title, course.slug))
    for key in session.scalars(select(LtiToolKey).order_by(LtiToolKey.created_at.desc())):
        out.write('key %s  %s\n' % (key.kid, 'retired' if key.retired_at else 'signing'))


def lti_rotate_keys(session, args, out, note):
    key, deleted = keys.rotate(session)
    audit.record(session, 'LTI keys rotated', detail='new kid %s' % key.kid)
    session.commit()
    note('new signing key %s; %d retired keys deleted' % (key.kid, len(deleted)))
    out.write(key.kid + '\n')


COMMANDS = {'lti-register': lti_register, 'lti-link-course': lti_link_course, 'lti-list': lti_list,
            'lti-rotate-keys': lti_rotate_keys}
