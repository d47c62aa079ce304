"""People: signing in, passwords and tokens, who may do what in a course."""
