"""The warm pool: started runners with torch imported, one submission each, replaced when they die."""
import os
import signal
import threading
from dataclasses import replace

import pytest

from grader.catalog import get_profile
from grader.engine import grade
from grader.isolation import teardown
from grader.isolation.pool import WarmPool
from tests.helpers.isolation import RUNNER_KINDS
from tests.helpers.paths import read_submission

CONFIGS = RUNNER_KINDS
PROFILE = get_profile('eecs498')
ONLY = ['conv_forward.s1_p0']
LEAVES_STATE = b'''
import os, builtins, torch
open('/tmp/left-by-a', 'w').write('x')
builtins.LEFT_BY_A = True
torch.manual_seed(1234)
'''
CHECKS_STATE = b'''
import os, builtins
if os.path.exists('/tmp/left-by-a') or hasattr(builtins, 'LEFT_BY_A'):
    raise RuntimeError('state of the previous submission leaked into this runner')
'''


@pytest.fixture(params=sorted(CONFIGS))
def config(request):
    """Runners started by bubblewrap, or forked by the fork server."""
    return CONFIGS[request.param]


@pytest.fixture
def pool(config):
    pools = []

    def make(size):
        pools.append(WarmPool(config, 'cpu', size=size))
        assert pools[-1].wait_full()
        return pools[-1]
    yield make
    for p in pools:
        p.close()


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not open('/proc/%d/stat' % pid).read().split(')')[1].split()[0] == 'Z'


def test_each_runner_serves_one_submission_and_no_state_passes_on(pool, config):
    warm = pool(1)
    correct = read_submission('correct_vectorized')
    first_pid = warm.pids()[0]
    a = grade(LEAVES_STATE + correct, PROFILE, only=ONLY, sandbox=config, pool=warm)
    assert teardown.wait_all(10)                                         # the runner's end is awaited off the report's path
    assert a.score == a.max_score > 0 and not alive(first_pid)          # killed after its one submission
    second_pid = warm.pids()[0]
    b = grade(CHECKS_STATE + correct, PROFILE, only=ONLY, sandbox=config, pool=warm)
    assert b.submission_error == '' and b.score == b.max_score and teardown.wait_all(10)
    assert second_pid != first_pid and not alive(second_pid)
    assert warm.wait_full() and (warm.served, warm.started, warm.discarded) == (2, 3, 0)


def test_a_runner_that_died_while_idle_is_replaced(pool, config):
    warm = pool(1)
    victim = warm.pids()[0]
    os.killpg(victim, signal.SIGKILL)
    report = grade(read_submission('correct_vectorized'), PROFILE, only=ONLY, sandbox=config, pool=warm)
    assert report.score == report.max_score and report.submission_error == ''
    assert (warm.discarded, warm.served) == (1, 1) and warm.wait_full() and len(warm.pids()) == 1


def test_a_pool_of_two_serves_a_burst_of_six(pool, config):
    warm = pool(2)
    reports, errors = [], []

    def one(i):
        try:
            reports.append(grade(read_submission('correct_vectorized') + b'\n# %d\n' % i, PROFILE, only=ONLY,
                                 sandbox=config, pool=warm))
        except Exception as exc:
            errors.append(exc)
    threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert errors == [] and len(reports) == 6
    assert all(r.score == r.max_score > 0 and r.submission_error == '' for r in reports)
    assert warm.served == 6 and warm.wait_full() and warm.started == 8 and len(warm.pids()) == 2


def test_a_pool_of_another_sandbox_config_is_not_used(pool, config):
    warm = pool(1)
    other = replace(config, tmp_size_mib=64)                  # any difference: a cold runner of its own
    report = grade(read_submission('correct_vectorized'), PROFILE, only=ONLY, sandbox=other, pool=warm)
    assert report.score == report.max_score and warm.served == 0


def test_a_taken_runner_runs_at_normal_priority_while_idle_ones_wait_at_nice_10(pool, config):
    warm = pool(1)
    files, runner = warm.take()
    try:
        def priorities(r):
            return {int(tid): os.getpriority(os.PRIO_PROCESS, int(tid))
                    for pid in r.cgroup.pids() for tid in os.listdir('/proc/%d/task' % pid)}
        taken = priorities(runner)
        assert len(taken) >= 2 and set(taken.values()) == {0}         # bwrap (or the fork server's two) and python
        assert warm.wait_full()
        idle = warm._idle[0][1]
        assert set(priorities(idle).values()) == {10}
    finally:
        runner.kill()
        files.cleanup()
