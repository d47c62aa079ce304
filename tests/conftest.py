"""Fixtures for every tier; shared paths and sources live in tests/helpers/ (service fixtures: the tier conftests)."""
import pytest

from tests.helpers.paths import read_submission


@pytest.fixture(scope='session')
def correct_source():
    return read_submission('correct_vectorized')
