"""Isolation: the trusted side of the runner (sandbox layers, launching, folders, replies, limits, teardown)."""
