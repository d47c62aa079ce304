"""Grading engine for convolutional_networks.py: catalog, runner, trusted scorer, CLI."""
from .catalog import PROFILES, get_profile
from .engine import grade
from .report import GRADER_VERSION, CheckResult, Report

__all__ = ['PROFILES', 'get_profile', 'grade', 'GRADER_VERSION', 'CheckResult', 'Report']
