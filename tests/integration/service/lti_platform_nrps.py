"""The test LMS's Names and Role Provisioning Services: the course roster."""


def routes(app, lms):
    """Add the routes to the FastAPI app."""


def claims(launch, preflight, lms):
    """Add the launch claims of this service."""
