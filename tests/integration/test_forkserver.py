"""The fork server's own failures: a dead zygote is replaced, and its runners do not outlive it."""
import os
import signal
import time

import pytest

from grader.catalog import get_profile
from grader.engine import grade
from grader.isolation import forkserver
from grader.isolation.launch import Runner
from grader.isolation.runner_files import RunnerFiles
from grader.isolation.sandbox import SandboxConfig, plan
from tests.helpers.paths import read_submission

pytestmark = pytest.mark.slow
CONFIG = SandboxConfig(mode='strict', fork_server=True, tmp_size_mib=96)     # a zygote of this test's own
PROFILE = get_profile('eecs498')
ONLY = ['conv_forward.s1_p0']


def zygote():
    return forkserver._servers[(os.getpid(), CONFIG)]


def wait_until(condition, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_zygote_is_replaced_at_the_next_grading():
    source = read_submission('correct_vectorized')
    first = grade(source, PROFILE, only=ONLY, sandbox=CONFIG)
    old = zygote().proc
    os.kill(old.pid, signal.SIGKILL)
    old.wait(timeout=10)
    second = grade(source, PROFILE, only=ONLY, sandbox=CONFIG)
    assert first.score == second.score == second.max_score > 0
    assert zygote().proc.pid != old.pid and zygote().proc.poll() is None


def test_runners_do_not_outlive_their_zygote():
    p = plan(CONFIG)
    files = RunnerFiles(read_submission('correct_vectorized'), PROFILE, uid=p.uid)
    runner = Runner(files, 'cpu', p)
    try:
        runner.request(None, 120)                                  # ready: A, B and the runner C all exist
        pids = runner.cgroup.pids()
        assert len(pids) == 3
        os.kill(zygote().proc.pid, signal.SIGKILL)
        assert wait_until(lambda: not runner.cgroup.pids(), 10), runner.cgroup.pids()
        assert runner.proc.wait(timeout=10) == -signal.SIGKILL     # told by the zygote's listener: gone
    finally:
        runner.kill()
        files.cleanup()
