"""A platform's signing key and id_tokens signed with it, for the LTI tests (the tokens a real platform sends)."""
import secrets
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

LTI = 'https://purl.imsglobal.org/spec/lti/claim/'
LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'
INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor'


class PlatformKey:
    """An RSA key pair with a kid; .jwk is its public half as a platform publishes it."""

    def __init__(self, kid=None):
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = kid or secrets.token_hex(8)
        self.jwk = RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        self.jwk.update(kid=self.kid, alg='RS256', use='sig')

    def sign(self, claims, kid=None, alg='RS256'):
        return jwt.encode(claims, self.private if alg.startswith('RS') else 'secret', algorithm=alg,
                          headers={'kid': kid or self.kid})


def launch_claims(issuer, client_id, nonce, deployment='dep-1', sub='user-1', roles=(LEARNER,), context='ctx-1',
                  link='link-1', now=None, **extra):
    """The claims of a resource link launch, as LTI 1.3 defines them."""
    now = int(time.time() if now is None else now)
    claims = {'iss': issuer, 'aud': client_id, 'azp': client_id, 'sub': sub, 'nonce': nonce, 'iat': now,
              'exp': now + 300, 'name': 'Ada Lovelace',
              LTI + 'message_type': 'LtiResourceLinkRequest', LTI + 'version': '1.3.0',
              LTI + 'deployment_id': deployment, LTI + 'roles': list(roles),
              LTI + 'context': {'id': context, 'title': 'Deep learning'}, LTI + 'resource_link': {'id': link},
              LTI + 'target_link_uri': 'https://grader.example/lti/launch'}
    claims.update(extra)
    return claims
