"""The test LMS's Assignment and Grade Services: line items and their scores (the gradebook)."""


def routes(app, lms):
    """Add the routes to the FastAPI app."""


def claims(launch, preflight, lms):
    """Add the launch claims of this service."""
