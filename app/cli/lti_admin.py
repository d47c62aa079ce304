"""python -m app.admin lti-*: LMS platforms (LTI 1.3) registered, LMS courses linked, the tool's keys rotated.

  lti-register ISSUER CLIENT_ID --login-url U --token-url U --jwks-url U [--deployment ID]... [--name N]
               [--default-assignment SLUG]     a platform (again: its URLs replaced, deployment ids added)
  lti-link-course ISSUER CONTEXT_ID COURSE [--client-id ID]   launches from that LMS course join COURSE
  lti-list                                      platforms, deployments, linked courses, the tool's URLs and keys
  lti-rotate-keys                               a new signing key; the old one stays published 7 days
The work is app.lti.manage's, shared with the admin page (/admin/lti).
"""
from app.core.config import get_settings
from app.lti import manage, registry

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
    platform, new = manage.register(session, None, args.issuer, args.client_id, args.login_url, args.token_url,
                                    args.jwks_url, args.deployment, args.name, args.default_assignment)
    note('platform %s (client %s) %s; %d deployment ids' % (
        platform.issuer, platform.client_id, 'registered' if new else 'updated',
        len(registry.deployment_ids(session, platform))))


def lti_link_course(session, args, out, note):
    platform = registry.find(session, args.issuer, args.client_id)
    row = manage.link_course(session, None, platform, args.context_id, args.course)
    note('launches from %s context %s join course %s' % (platform.issuer, row.context_id, args.course))


def lti_list(session, args, out, note):
    base = get_settings().public_url.rstrip('/') or 'AG_PUBLIC_URL'
    out.write('tool: login %s/lti/login  launch %s/lti/launch  jwks %s/lti/jwks\n' % (base, base, base))
    for entry in manage.platforms(session):
        platform = entry['platform']
        out.write('%s  client %s  %s\n' % (platform.issuer, platform.client_id, platform.name))
        out.write('  login %s  token %s  jwks %s\n' % (platform.login_url, platform.token_url, platform.jwks_url))
        out.write('  deployments %s; default assignment %s\n' % (', '.join(entry['deployments']) or '-',
                                                                 entry['default'] or '-'))
        for context, course in entry['contexts']:
            out.write('  context %s %s -> course %s\n' % (context.context_id, context.title, course.slug))
    for key in manage.tool_keys(session):
        out.write('key %s  %s\n' % (key.kid, 'retired' if key.retired_at else 'signing'))


def lti_rotate_keys(session, args, out, note):
    key, deleted = manage.rotate_keys(session, None)
    note('new signing key %s; %d retired keys deleted' % (key.kid, len(deleted)))
    out.write(key.kid + '\n')


COMMANDS = {'lti-register': lti_register, 'lti-link-course': lti_link_course, 'lti-list': lti_list,
            'lti-rotate-keys': lti_rotate_keys}
