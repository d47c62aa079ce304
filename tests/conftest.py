"""Fixtures for every tier; shared paths and sources live in tests/helpers/ (service fixtures: the tier conftests)."""
import os

import pytest

from tests.helpers.paths import read_submission

# the test LMS runs on loopback: LTI service calls may reach it, here and in the services the tests start
os.environ.setdefault('AG_LTI_LOOPBACK', '1')


@pytest.fixture(scope='session')
def correct_source():
    return read_submission('correct_vectorized')
