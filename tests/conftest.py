"""Fixtures for every tier; shared paths and sources live in tests/helpers/ (service fixtures: the tier conftests)."""
import pytest

# tests/integration/service still imports these from here
from tests.helpers.paths import ROOT, read_submission  # noqa: F401


@pytest.fixture(scope='session')
def correct_source():
    return read_submission('correct_vectorized')
