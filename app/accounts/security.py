"""Password hashing (argon2) and opaque bearer tokens stored as sha256 (pure functions)."""
import hashlib
import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_UNKNOWN = _hasher.hash('an account that does not exist')   # unknown e-mails cost as much as known ones
# each hash takes memory_cost (64 MiB): a burst of sign-ins waits for a slot rather than adding up
HASHES_AT_ONCE = 4
_slots = threading.BoundedSemaphore(HASHES_AT_ONCE)


def hash_password(password):
    with _slots:
        return _hasher.hash(password)


def verify_password(password_hash, password):
    """False for a wrong password or no hash (None: the account does not exist)."""
    try:
        with _slots:
            return _hasher.verify(password_hash or _UNKNOWN, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def random_password():
    """A password given out once (new accounts, resets): 12 URL-safe characters."""
    return secrets.token_urlsafe(9)


# A password this service made up has 72 random bits: no hash cost adds to that, so it is hashed cheaply
# (1 MiB, one pass: ~1 ms instead of 64 MiB and ~0.15 s) and a roster of thousands costs seconds, not an hour
# of the web process's CPU and memory. Sign-in reads the cost from the hash itself.
_generated = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def hash_generated(password):
    """The hash of a password from random_password()."""
    return _generated.hash(password)


def new_token():
    """(token given to the user, its sha256 kept in the database)."""
    token = secrets.token_urlsafe(32)
    return token, token_digest(token)


def token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()
