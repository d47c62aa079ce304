"""Domain errors: what the rules refuse, with the sentence that says why.

Domain modules raise these (or return values); they never build HTTP answers. The route layer answers each kind
with its status (app.http.errors: 404, 403, 401, 422, 429), as JSON under /api/ and as the error page elsewhere.
"""


class DomainError(Exception):
    """A refused request; str(error) is the sentence shown to the person who asked."""

    def __init__(self, message, wait_s=None):
        super().__init__(message)
        self.message, self.wait_s = message, wait_s


class NotFound(DomainError):
    """No such thing, or none the caller may know of (another student's submission)."""


class NotAllowed(DomainError):
    """It exists, but not for this caller, or not now (a closed assignment)."""


class WrongCredentials(DomainError):
    """A wrong e-mail or password."""


class Invalid(DomainError):
    """The input breaks a rule (an upload, a new password, a query value)."""


class TooMany(DomainError):
    """A token bucket is empty; wait_s: the seconds until it holds a token again (math.inf: never)."""
