"""The web pages: student upload and feedback, the instructor dashboard (server-rendered, Jinja2)."""
