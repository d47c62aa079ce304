"""Shared paths and sources; service fixtures live in the tier conftests."""
import os
import sys

import pytest

from grader.isolation.sandbox import SandboxConfig

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUBMISSIONS = os.path.join(ROOT, 'tests', 'submissions')
PYTHON = sys.executable
# the two ways a strict runner starts: bubblewrap, or forked by the fork server
RUNNER_KINDS = {'bwrap': SandboxConfig(mode='strict'), 'forkserver': SandboxConfig(mode='strict', fork_server=True)}


def submission_path(name):
    return os.path.join(SUBMISSIONS, name, 'convolutional_networks.py')


def read_submission(name):
    with open(submission_path(name), 'rb') as f:
        return f.read()


@pytest.fixture(scope='session')
def correct_source():
    return read_submission('correct_vectorized')
