"""A context's roster read from the platform (LTI Names and Role Provisioning Services 2.0).

The membership container is fetched page by page (Link: <...>; rel="next"), each page's URL checked (https, or
http on loopback), redirects refused, at most MAX_PAGES pages and MAX_MEMBERS members in all. Each member is
checked; a bad one (wrong types, over-long text, unknown status) is skipped and counted, never half-read."""
import json
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from app.lti import services
from app.lti.tables import ID_MAX

CONTAINER = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json'
MAX_PAGES = 100
MAX_MEMBERS = 20000
MAX_ROLES = 50
NAME_MAX = 200                 # users.name
EMAIL_MAX = 254
STATUSES = ('Active', 'Inactive', 'Deleted')
LINK = re.compile(r'<([^>]*)>\s*((?:;\s*[^;,]*)*)')


@dataclass(frozen=True)
class Member:
    sub: str
    name: str
    roles: tuple
    status: str


def _text(value, limit, required=False):
    if value is None and not required:
        return ''
    if not isinstance(value, str) or len(value) > limit or not value.isprintable() or (required and not value):
        raise ValueError
    return value


def member(raw):
    """A Member of one entry of the container's members, or ValueError."""
    if not isinstance(raw, dict):
        raise ValueError
    roles = raw.get('roles')
    if not isinstance(roles, list) or len(roles) > MAX_ROLES or not all(isinstance(r, str) and len(r) <= ID_MAX
                                                                       for r in roles):
        raise ValueError
    status = raw.get('status', 'Active')
    if status not in STATUSES:
        raise ValueError
    _text(raw.get('email'), EMAIL_MAX)                   # optional and not kept, but a bad one marks a bad entry
    name = _text(raw.get('name'), NAME_MAX) or ' '.join(
        p for p in (_text(raw.get('given_name'), NAME_MAX), _text(raw.get('family_name'), NAME_MAX)) if p)
    sub = _text(raw.get('user_id'), ID_MAX, required=True)
    if not sub.strip():
        raise ValueError
    return Member(sub, name[:NAME_MAX], tuple(roles), status)


def next_url(headers, url):
    """The absolute URL of the Link header's rel="next", or None."""
    for value in headers.get_list('link'):
        for target, params in LINK.findall(value):
            for param in params.split(';'):
                key, _, rel = param.partition('=')
                if key.strip().lower() == 'rel' and 'next' in rel.strip().strip('"').split():
                    return urljoin(url, target.strip())
    return None


def _page(session, platform, url, tokens):
    headers, body = services.authorized(session, tokens, platform, services.MEMBERSHIPS, 'GET', url,
                                        'the roster request', accept=CONTAINER)
    try:
        container = json.loads(body)
    except ValueError:
        container = None
    if not isinstance(container, dict) or not isinstance(container.get('members'), list):
        raise services.ServiceError('the platform\'s roster page (%s) is not a membership container (JSON with a '
                                    'list of members)' % url[:200], retry=False)
    return container, next_url(headers, url)


def fetch(session, platform, context, tokens):
    """([Member] in the platform's order, first of each sub; number of entries skipped). ServiceError when the
    roster cannot be read whole: nothing is applied from part of a roster."""
    url, seen, members, skipped, pages = context.memberships_url, set(), {}, 0, 0
    while url:
        pages += 1
        if pages > MAX_PAGES or url in seen:
            raise services.ServiceError('the platform\'s roster has more than %d pages (or its pages loop): '
                                        'refused' % MAX_PAGES, retry=False)
        seen.add(url)
        container, url = _page(session, platform, url, tokens)
        ctx = container.get('context')
        if isinstance(ctx, dict) and ctx.get('id') not in (None, context.context_id):
            raise services.ServiceError('the platform sent the roster of another LMS course (%r, not %r)'
                                        % (str(ctx.get('id'))[:80], context.context_id[:80]), retry=False)
        if len(members) + skipped + len(container['members']) > MAX_MEMBERS:
            raise services.ServiceError('the platform\'s roster has more than %d members: refused' % MAX_MEMBERS,
                                        retry=False)
        for raw in container['members']:
            try:
                found = member(raw)
            except ValueError:
                skipped += 1
                continue
            if found.sub in members:
                skipped += 1
            else:
                members[found.sub] = found
    return list(members.values()), skipped
