"""LTI Deep Linking 2.0: an instructor adds the grader in the LMS and picks the assignment the new link opens.

settings()  the deep_linking_settings claim of a LtiDeepLinkingRequest checked (claims.check calls it)
keep()      the request of a checked launch kept (a random id, LIFETIME, one user) until the choice is made
take()      that request consumed, once, by its own user before it expires
response()  the LtiDeepLinkingResponse JWT naming the chosen assignment, signed with the tool's current key
"""
import secrets
import time
from datetime import timedelta

import jwt
from sqlalchemy import delete

from app.core.db import aware
from app.lti import keys, registry
from app.lti.errors import LaunchRefused
from app.lti.tables import LtiDeepLinkRequest
from grader.catalog import PROFILES

LTI = 'https://purl.imsglobal.org/spec/lti/claim/'
DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/'
SETTINGS = DL + 'deep_linking_settings'
RESOURCE_LINK = 'ltiResourceLink'
LIFETIME = timedelta(minutes=30)
DATA_MAX = 2048
TYPES_MAX = 20
ID_CHARS = 64


def settings(claims):
    """{return_url, data, title, accept_multiple, targets} of the request, else LaunchRefused saying why."""
    value = claims.get(SETTINGS)
    if not isinstance(value, dict):
        raise LaunchRefused('claims', 'the deep linking request has no deep_linking_settings claim')
    try:
        url = registry.check_url(value.get('deep_link_return_url'), 'the deep linking return URL')
    except registry.Refused as exc:
        raise LaunchRefused('claims', '%s: the grader sends its answer only to an https address' % exc)
    types = value.get('accept_types')
    if not isinstance(types, list) or len(types) > TYPES_MAX or RESOURCE_LINK not in types:
        raise LaunchRefused('claims', 'the LMS does not accept an LTI link (ltiResourceLink) here, the only kind of '
                            'item the grader makes: add the grader where the LMS offers external tool links')
    data = value.get('data')
    if data is not None and (not isinstance(data, str) or len(data) > DATA_MAX):
        raise LaunchRefused('claims', 'the deep linking request\'s data is not text of at most %d characters'
                            % DATA_MAX)
    targets = value.get('accept_presentation_document_targets')
    targets = tuple(t for t in targets[:TYPES_MAX] if isinstance(t, str)) if isinstance(targets, list) else ()
    title = value.get('title')
    return {'return_url': url, 'data': data, 'title': title[:200] if isinstance(title, str) else '',
            'accept_multiple': value.get('accept_multiple') is True, 'targets': targets}


def require_instructor(role):
    if role != 'instructor':
        raise LaunchRefused('role', 'only the course\'s instructors and teaching assistants choose the assignment '
                            'a new link opens: ask one of them to add the grader', status_code=403)


def keep(session, platform, context, launch, user, now):
    """The pending request (flushed, not committed) -> the path of the page that chooses the assignment."""
    session.execute(delete(LtiDeepLinkRequest).where(LtiDeepLinkRequest.expires_at < now))
    row = LtiDeepLinkRequest(id=secrets.token_urlsafe(32), platform_id=platform.id,
                             deployment_id=launch.deployment_id, return_url=launch.deep_linking['return_url'],
                             data=launch.deep_linking['data'], course_id=context.course_id, user_id=user.id,
                             expires_at=now + LIFETIME)
    session.add(row)
    session.flush()
    return '/lti/deep-link/' + row.id


def find(session, request_id, user, now):
    """The pending request of this user, else LaunchRefused (another user's reads as unknown)."""
    row = session.get(LtiDeepLinkRequest, request_id) if 0 < len(request_id) <= ID_CHARS else None
    if row is None or row.user_id != user.id:
        raise LaunchRefused('request', 'this choice of assignment is unknown or was already sent to your LMS: add '
                            'the grader again from your LMS course', status_code=404)
    if aware(row.expires_at) < now:
        raise LaunchRefused('expired', 'this choice of assignment expired (it is kept %d minutes): add the grader '
                            'again from your LMS course' % (LIFETIME.seconds // 60), status_code=410)
    return row


def take(session, request_id, user, now):
    """The request found and deleted in one step: a second answer to it is refused."""
    row = find(session, request_id, user, now)
    session.expunge(row)
    gone = session.execute(delete(LtiDeepLinkRequest).where(LtiDeepLinkRequest.id == row.id))
    if gone.rowcount != 1:
        raise LaunchRefused('request', 'this choice of assignment was already sent to your LMS', status_code=404)
    return row


def max_points(assignment):
    """What the assignment's gradings are out of: its profile's checks, the training checks only when it runs them
    (grader.engine.select_checks)."""
    profile = PROFILES.get(assignment.profile)
    if profile is None:
        return 100.0
    return round(sum(c.points for c in profile.checks if assignment.training_checks or not c.slow), 2)


def content_item(assignment, tool_base):
    """The LMS link to the assignment, with a gradebook column of its maximum points."""
    maximum = max_points(assignment)
    return {'type': RESOURCE_LINK, 'title': assignment.title, 'url': tool_base + '/lti/launch',
            'custom': {'assignment': assignment.slug},
            'lineItem': {'scoreMaximum': maximum, 'label': assignment.title, 'resourceId': assignment.slug}}


def response(session, row, platform, items, now=None):
    """The signed LtiDeepLinkingResponse (iss: the client id, aud: the platform) carrying the content items."""
    now = int(time.time() if now is None else now)
    key = keys.signing_key(session)
    claims = {'iss': platform.client_id, 'aud': platform.issuer, 'iat': now, 'exp': now + 300,
              'nonce': secrets.token_urlsafe(24), LTI + 'deployment_id': row.deployment_id,
              LTI + 'message_type': 'LtiDeepLinkingResponse', LTI + 'version': '1.3.0', DL + 'content_items': items}
    if row.data:
        claims[DL + 'data'] = row.data
    return jwt.encode(claims, key.private_pem, algorithm='RS256', headers={'kid': key.kid})
