"""The tool's own RSA key pairs, kept in SQL so that every API host signs with the same: the newest unretired
key signs (deep linking responses, AGS and NRPS client assertions); every kept key is published at /lti/jwks,
so that a platform that cached the old set still checks what was signed just before a rotation."""
import secrets
from datetime import datetime, timedelta, timezone

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select

from app.core.db import aware
from app.lti.tables import LtiToolKey

KEY_BITS = 2048
RETIRED_KEPT = timedelta(days=7)     # a retired key stays published this long, then is deleted


def _new_key(now):
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    kid = secrets.token_hex(16)
    jwk = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    jwk.update(kid=kid, alg='RS256', use='sig')
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return LtiToolKey(kid=kid, private_pem=pem, public_jwk=jwk, created_at=now)


def signing_key(session):
    """The key that signs now; the first call makes one."""
    key = session.scalars(select(LtiToolKey).where(LtiToolKey.retired_at.is_(None))
                          .order_by(LtiToolKey.created_at.desc())).first()
    if key is None:
        key = _new_key(datetime.now(timezone.utc))
        session.add(key)
        session.commit()
    return key


def rotate(session, now=None):
    """A new signing key; the former ones retired (still published for RETIRED_KEPT), older retired ones
    deleted. -> (new key, kids deleted)."""
    now = now or datetime.now(timezone.utc)
    deleted = []
    for key in session.scalars(select(LtiToolKey)).all():
        if key.retired_at is None:
            key.retired_at = now
        elif aware(key.retired_at) < now - RETIRED_KEPT:
            deleted.append(key.kid)
            session.delete(key)
    key = _new_key(now)
    session.add(key)
    session.commit()
    return key, deleted


def public_jwks(session):
    """{"keys": [...]}: every kept key's public half, the signing key first (one is made if none exists)."""
    current = signing_key(session)
    others = session.scalars(select(LtiToolKey).where(LtiToolKey.kid != current.kid)
                             .order_by(LtiToolKey.created_at.desc())).all()
    return {'keys': [current.public_jwk] + [k.public_jwk for k in others]}
