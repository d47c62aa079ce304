"""Scoring: inputs, expected values from reference/, comparison and points (trusted side, no student code)."""
