"""The operator's commands: python -m app.admin, app.run, app.seed, app.migrate (thin modules in app/ call these)."""
