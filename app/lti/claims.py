"""An LTI 1.3 id_token checked (pure: the caller gives the platform, its keys, the nonce it sent, the clock).

Checked: RS256 signature with the platform's key named by kid, iss, aud (the client id) and azp, exp and iat
(with LEEWAY_S; iat at most MAX_AGE_S old), the nonce the login sent, the deployment id among those registered,
the LTI version and message type (a resource link launch, or a deep linking request: app.lti.deep_linking),
and the size and type of every claim kept."""
import math
import time
from dataclasses import dataclass, field

import jwt
from jwt.algorithms import RSAAlgorithm

from app.lti import deep_linking
from app.lti.errors import LaunchRefused
from app.lti.tables import ID_MAX, URL_MAX

LTI = 'https://purl.imsglobal.org/spec/lti/claim/'
AGS = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint'
NRPS = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice'
RESOURCE_LINK = 'LtiResourceLinkRequest'
DEEP_LINKING = 'LtiDeepLinkingRequest'
LEEWAY_S = 60
MAX_AGE_S = 600
TOKEN_MAX_CHARS = 32 * 1024
MAX_ROLES = 50
MAX_CUSTOM = 50


@dataclass(frozen=True)
class Launch:
    """What the grader keeps of a checked id_token."""
    sub: str
    name: str
    roles: tuple
    deployment_id: str
    message_type: str
    context_id: str
    context_title: str
    resource_link_id: str
    custom: dict = field(default_factory=dict)
    lineitem_url: str = ''
    memberships_url: str = ''
    deep_linking: dict = None          # a LtiDeepLinkingRequest's settings (app.lti.deep_linking)
    lineitems_url: str = ''
    link_title: str = ''


def _text(claims, name, limit, required=True, what=None):
    value = claims.get(name)
    if value is None and not required:
        return ''
    if not isinstance(value, str) or not value or len(value) > limit:
        raise LaunchRefused('claims', 'the launch\'s %s is missing, not text or longer than %d characters'
                            % (what or name, limit))
    return value


def _decode(token, key_for):
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_CHARS:
        raise LaunchRefused('token', 'the launch carries no id_token, or one longer than %d characters'
                            % TOKEN_MAX_CHARS)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise LaunchRefused('token', 'the launch\'s id_token is not a JSON Web Token')
    if header.get('alg') != 'RS256':
        raise LaunchRefused('signature', 'the id_token is signed with %r; LTI 1.3 platforms sign with RS256'
                            % str(header.get('alg'))[:20])
    kid = header.get('kid')
    if not isinstance(kid, str) or not kid or len(kid) > 200:
        raise LaunchRefused('signature', 'the id_token names no key (kid)')
    try:
        key = RSAAlgorithm.from_jwk(key_for(kid))
    except (jwt.PyJWTError, ValueError, TypeError, KeyError):
        raise LaunchRefused('keys', 'the platform\'s key %r is not an RSA public key' % kid[:64], status_code=502)
    return key


def check(token, platform, key_for, nonce, deployment_ids, now=None):
    """The Launch of a valid id_token, else LaunchRefused saying which check failed.

    platform: has .issuer and .client_id; key_for(kid) -> the platform's JWK (dict); nonce: the one sent at
    login; deployment_ids: those registered for the platform; now: epoch seconds (tests)."""
    key = _decode(token, key_for)
    now = time.time() if now is None else now
    try:
        claims = jwt.decode(token, key, algorithms=['RS256'], audience=platform.client_id, issuer=platform.issuer,
                            leeway=LEEWAY_S, options={'require': ['iss', 'aud', 'exp', 'iat', 'nonce', 'sub'],
                                                      'verify_exp': False, 'verify_iat': False})
    except jwt.InvalidSignatureError:
        raise LaunchRefused('signature', 'the id_token\'s signature does not match the platform\'s key')
    except jwt.InvalidAudienceError:
        raise LaunchRefused('audience', 'the id_token is meant for another tool (its aud is not this tool\'s '
                            'client id %s)' % platform.client_id)
    except jwt.InvalidIssuerError:
        raise LaunchRefused('issuer', 'the id_token was issued by another platform than %s' % platform.issuer)
    except jwt.MissingRequiredClaimError as exc:
        raise LaunchRefused('claims', 'the id_token has no %s claim' % exc.claim)
    except jwt.PyJWTError as exc:
        raise LaunchRefused('token', 'the id_token cannot be read (%s)' % type(exc).__name__)
    return _launch(claims, platform, nonce, deployment_ids, now)


def _times(claims, now):
    exp, iat = claims['exp'], claims['iat']
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (exp, iat)):
        raise LaunchRefused('claims', 'the id_token\'s exp and iat are not finite numbers')
    if exp < now - LEEWAY_S:
        raise LaunchRefused('expired', 'this launch expired %d s ago: launch again from your course'
                            % int(now - exp), status_code=401)
    if iat > now + LEEWAY_S:
        raise LaunchRefused('claims', 'the id_token was issued in the future (check the platform\'s clock)')
    if iat < now - MAX_AGE_S:
        raise LaunchRefused('expired', 'this launch was issued more than %d minutes ago: launch again from your '
                            'course' % (MAX_AGE_S // 60), status_code=401)


def _launch(claims, platform, nonce, deployment_ids, now):
    aud = claims['aud']
    azp = claims.get('azp')
    if (isinstance(aud, list) and len(aud) > 1 and azp is None) or (azp is not None and azp != platform.client_id):
        raise LaunchRefused('audience', 'the id_token\'s azp is not this tool\'s client id %s' % platform.client_id)
    _times(claims, now)
    if claims['nonce'] != nonce:
        raise LaunchRefused('nonce', 'the id_token answers another login (its nonce is not the one sent)')
    deployment = _text(claims, LTI + 'deployment_id', ID_MAX, what='deployment id')
    if deployment not in deployment_ids:
        raise LaunchRefused('deployment', 'the deployment %r of %s is not registered with the grader: ask its '
                            'operator to add it (python -m app.admin lti-register ... --deployment)'
                            % (deployment, platform.issuer), status_code=403)
    if claims.get(LTI + 'version') != '1.3.0':
        raise LaunchRefused('message', 'the launch is not LTI version 1.3.0')
    message_type = claims.get(LTI + 'message_type')
    if message_type not in (RESOURCE_LINK, DEEP_LINKING):
        raise LaunchRefused('message', 'the launch\'s message type %r is not supported' % str(message_type)[:60])
    roles = claims.get(LTI + 'roles', [])
    if not isinstance(roles, list) or len(roles) > MAX_ROLES or not all(
            isinstance(r, str) and len(r) <= 200 for r in roles):
        raise LaunchRefused('claims', 'the launch\'s roles are not a list of at most %d texts' % MAX_ROLES)
    deep = deep_linking.settings(claims) if message_type == DEEP_LINKING else None
    context = claims.get(LTI + 'context')
    link = claims.get(LTI + 'resource_link') if deep is None else {}     # no link yet
    if not isinstance(context, dict) or not isinstance(link, dict):
        raise LaunchRefused('claims', 'the launch names no course (context) or no link (resource_link)')
    return Launch(sub=_text(claims, 'sub', ID_MAX, what='user id (sub)'), name=_name(claims), roles=tuple(roles),
                  deployment_id=deployment, message_type=message_type,
                  context_id=_text(context, 'id', ID_MAX, what='course id (context id)'),
                  context_title=str(context.get('title') or '')[:200],
                  resource_link_id='' if deep else _text(link, 'id', ID_MAX, what='link id (resource_link id)'),
                  custom=_custom(claims.get(LTI + 'custom')),
                  lineitem_url=_url(claims.get(AGS), 'lineitem'),
                  memberships_url=_url(claims.get(NRPS), 'context_memberships_url'), deep_linking=deep,
                  lineitems_url=_url(claims.get(AGS), 'lineitems'), link_title=str(link.get('title') or '')[:200])


def _name(claims):
    name = claims.get('name') or ' '.join(str(claims.get(k) or '') for k in ('given_name', 'family_name'))
    return name.strip()[:200] if isinstance(name, str) else ''


def _custom(custom):
    """The link's custom parameters: text values only, at most MAX_CUSTOM of them, each bounded."""
    if not isinstance(custom, dict):
        return {}
    kept = {k: v for k, v in custom.items() if isinstance(k, str) and len(k) <= 100 and isinstance(v, str)
            and len(v) <= 1000}
    return dict(list(kept.items())[:MAX_CUSTOM])


def _url(claim, name):
    value = claim.get(name) if isinstance(claim, dict) else None
    return value if isinstance(value, str) and len(value) <= URL_MAX else ''
