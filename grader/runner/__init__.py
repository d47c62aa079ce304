"""Untrusted side: copied into the job's work dir and run as a separate process."""
