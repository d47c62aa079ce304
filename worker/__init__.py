"""Celery workers: arrive with the service issue."""
