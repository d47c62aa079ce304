"""grader.isolation.captured: the trusted side's bound on a runner's output holds against whoever holds the file."""
import errno
import os

import pytest

from grader.isolation.captured import Captured


@pytest.fixture
def captured():
    c = Captured('stdout', 4096)
    yield c
    c.close()


def writer(captured):
    """A descriptor like the runner's fd 1: the same open file, so the same offset and seals."""
    return os.dup(captured.fileno())


def test_output_ends_where_the_writers_are_and_reads_back(captured):
    fd = writer(captured)
    os.write(fd, b'first\n')
    assert captured.end() == 6
    os.write(fd, b'second\n')
    assert captured.end() == 13 and captured.read(6, 13) == 'second\n'
    os.close(fd)


def test_nothing_can_write_past_the_cap_grow_or_unseal_it(captured):
    fd = writer(captured)
    os.write(fd, b'x' * 4096)
    for attempt in (lambda: os.write(fd, b'y'), lambda: os.ftruncate(fd, 1 << 30), lambda: os.ftruncate(fd, 0),
                    lambda: os.posix_fallocate(fd, 0, 1 << 20), lambda: os.pwrite(fd, b'z', 1 << 20)):
        with pytest.raises(OSError) as refused:
            attempt()
        assert refused.value.errno in (errno.EPERM, errno.EFBIG), attempt
    assert os.fstat(fd).st_size == 4096 and captured.end() == 4096
    os.close(fd)


def test_a_writer_that_seeks_cannot_make_the_grader_read_past_the_cap(captured):
    fd = writer(captured)
    os.lseek(fd, 1 << 40, os.SEEK_SET)
    assert captured.end() == 4096
    assert len(captured.read(0, 1 << 40)) <= 2000 + 50
    os.close(fd)


def test_long_output_keeps_head_and_tail(captured):
    fd = writer(captured)
    os.write(fd, b'a' * 1500 + b'b' * 1500)
    text = captured.read(0, 3000, limit=1000)
    assert text.startswith('a' * 500) and text.endswith('b' * 500) and '[... 2000 characters cut ...]' in text
    os.close(fd)
