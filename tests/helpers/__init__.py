"""Helpers the grader-side tests share: plain modules that test modules import (never each other or a conftest)."""
