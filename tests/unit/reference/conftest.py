"""Local fixtures for the reference tests (the project-wide tests/conftest.py is owned elsewhere)."""
import pytest
import torch


@pytest.fixture(scope='package', autouse=True)
def _single_thread_torch():
    """These tensors are tiny: intra-op threads only add spin-wait overhead, which explodes when
    the 2 cores are shared with other processes. Restored after this package's tests."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
