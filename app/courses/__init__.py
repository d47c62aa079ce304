"""Courses and what instructors set up: assignments, rosters, due dates and extensions, skeletons, the audit trail."""
