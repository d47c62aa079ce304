"""A refused LTI request: what went wrong, said to the person in the browser (app/web/lti_pages.py)."""


class LaunchRefused(Exception):
    """kind: a short word for tests and logs (state, cookie, signature, claims, deployment, nonce, ...)."""

    def __init__(self, kind, message, status_code=400, relaunch=None):
        super().__init__(message)
        self.kind, self.message, self.status_code = kind, message, status_code
        self.relaunch = relaunch       # the login parameters to start again in a new window, if that helps
