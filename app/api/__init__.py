"""The REST API under /api/v1: one router per resource (parse the request, call the domain, answer JSON)."""
