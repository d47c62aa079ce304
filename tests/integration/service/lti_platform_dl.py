"""The test LMS's Deep Linking: the instructor picks a tool item, the platform stores the returned link."""


def routes(app, lms):
    """Add the routes to the FastAPI app."""


def claims(launch, preflight, lms):
    """Add the launch claims of this service."""
