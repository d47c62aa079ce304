"""HTTP calls of Assignment and Grade Services (AGS 2.0): a link's line item found or made in the LMS course's
line items, a score posted to it. Made through app.lti.services (token, timeout, size limit, no redirects);
every URL the platform answers with is checked before it is used or kept."""
import json
from urllib.parse import urlencode, urlsplit, urlunsplit

from app.lti import registry, services
from app.lti.services import LINEITEM, SCORE, ServiceError

LINEITEM_TYPE = 'application/vnd.ims.lis.v2.lineitem+json'
CONTAINER_TYPE = 'application/vnd.ims.lis.v2.lineitemcontainer+json'
SCORE_TYPE = 'application/vnd.ims.lis.v1.score+json'
MAX_ITEMS = 1000            # line items looked at in one answer


def scores_url(lineitem_url):
    """The line item's scores endpoint: '/scores' added to its path, its query kept."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip('/') + '/scores', fragment=''))


def with_query(url, **params):
    return url + ('&' if urlsplit(url).query else '?') + urlencode(params)


def _json(body, what):
    try:
        return json.loads(body)
    except ValueError:
        raise ServiceError('the platform\'s answer to %s is not JSON' % what, retry=False)


def _call(session, tokens, platform, scope, method, url, what, **kw):
    return services.authorized(session, tokens, platform, scope, method, url, what, **kw)[1]


def checked_id(entry, what):
    """The line item's id (its URL) when it is an https URL (http on loopback), else ServiceError."""
    url = entry.get('id') if isinstance(entry, dict) else None
    try:
        return registry.check_url(url, what)
    except registry.Refused as exc:
        raise ServiceError('the platform\'s %s' % exc, retry=False)


def find_or_create(session, tokens, platform, lineitems_url, item):
    """The URL of the line item of item['resourceLinkId'] and item['resourceId'] (the assignment; one the LMS made
    may have none) in the course's line items, made there when none."""
    link_id, resource = item['resourceLinkId'], item['resourceId']
    body = _call(session, tokens, platform, LINEITEM, 'GET', with_query(lineitems_url, resource_link_id=link_id),
                 'the line items request', accept=CONTAINER_TYPE)
    found = _json(body, 'the line items request')
    if not isinstance(found, list):
        raise ServiceError('the platform\'s line items (%s) are not a JSON list' % lineitems_url[:200], retry=False)
    for entry in found[:MAX_ITEMS]:
        if isinstance(entry, dict) and entry.get('resourceLinkId') == link_id and entry.get('resourceId') in (
                None, '', resource):
            return checked_id(entry, 'line item id')
    body = _call(session, tokens, platform, LINEITEM, 'POST', lineitems_url, 'the new line item',
                 accept=LINEITEM_TYPE, content_type=LINEITEM_TYPE, body=json.dumps(item).encode())
    return checked_id(_json(body, 'the new line item'), 'new line item id')


def post_score(session, tokens, platform, lineitem_url, score):
    """Post one score (a dict as AGS defines it) to the line item."""
    _call(session, tokens, platform, SCORE, 'POST', scores_url(lineitem_url), 'the score',
          content_type=SCORE_TYPE, body=json.dumps(score).encode())
