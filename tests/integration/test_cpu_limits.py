"""A check's limit is the runner's CPU time, counted by the grader: a loop is stopped by it and charged at once;
code that waits is stopped by the wall-clock bound, after one more try on a fresh runner; a check starved of
the CPU (here: stopped from outside for longer than the bound) gets that try and passes."""
import os
import re
import signal
import threading
import time
from dataclasses import replace

import pytest

from grader.catalog import get_profile
from grader.engine import grade
from grader.isolation import sandbox
from grader.isolation.cputime import WallBound
from grader.isolation.owner import owner_tag
from tests.helpers.isolation import RUNNER_KINDS
from tests.helpers.paths import read_submission

pytestmark = pytest.mark.slow
PROFILE = get_profile('eecs498')
BASE = read_submission('correct_vectorized').decode()
CONV_RETURN = '        cache = (x, w, b, conv_param)\n        return out, cache\n'
ATTACKED, UNTOUCHED = 'conv_forward.s1_p0', 'maxpool_forward.3x3_s2_overlap'
SHORT = WallBound(factor=1.0, floor_s=2.0)          # code that waits is stopped 2 s past a limit (not 30)
WAITED = (r'stopped by the wall clock after \d+ s, having used only 0\.\d s of its 1 s of CPU time \(on both '
          r'tries, the second in a fresh process\): the code waited \(sleep, a blocked read\) or the grading '
          r'machine was overloaded')


def conv_doing(code):
    assert BASE.count(CONV_RETURN) == 1
    return BASE.replace(CONV_RETURN, code + CONV_RETURN).encode()


def graded(source, config=RUNNER_KINDS['forkserver'], **kwargs):
    report = grade(source, PROFILE, only=[ATTACKED, UNTOUCHED], sandbox=config, **kwargs)
    checks = {c.id: c for c in report.checks}
    assert checks[UNTOUCHED].status == 'passed', checks[UNTOUCHED].message
    return report, checks[ATTACKED]


# CPU time from the job's cgroup (fork server), and from /proc of the runner's tree (bubblewrap, no cgroup)
@pytest.mark.parametrize('config', [RUNNER_KINDS['forkserver'], replace(RUNNER_KINDS['bwrap'], cgroup=False)],
                         ids=['cgroup', 'proc'])
def test_a_loop_is_stopped_by_its_cpu_time_without_a_retry(config):
    report, check = graded(conv_doing('        print("LOOP")\n        while True:\n            pass\n'), config,
                           timeout_cap_s=2)
    assert (check.status, check.score, check.message) == ('timeout', 0.0, 'stride 1, pad 0: timed out after 2 s')
    assert check.duration_s < WallBound().of(2)          # the CPU limit ended it, not the 32 s wall bound
    assert check.output == 'LOOP'


def test_a_sleep_is_stopped_by_the_wall_bound_after_a_second_try():
    report, check = graded(conv_doing('        import time\n        time.sleep(1000)\n'), timeout_cap_s=1,
                           wall_bound=SHORT)
    assert (check.status, check.score) == ('timeout', 0.0)
    assert re.fullmatch('stride 1, pad 0: ' + WAITED, check.message), check.message
    assert 3 <= check.duration_s < 10                    # the second try's: 3 s of wall clock
    assert report.duration_s >= 6                        # both tries


def test_a_sleep_at_import_is_stopped_by_the_wall_bound_after_a_second_try():
    source = b'import time\ntime.sleep(1000)\n' + BASE.encode()
    report = grade(source, PROFILE, only=[ATTACKED], sandbox=RUNNER_KINDS['forkserver'], import_timeout_s=1,
                   wall_bound=SHORT)
    assert re.fullmatch('importing your file was ' + WAITED, report.submission_error), report.submission_error
    assert report.checks[0].status == 'error'


def job_pids():
    """Pids in the job cgroups this process made (its runners and what they started)."""
    prefix = 'job-%s-' % owner_tag()
    parents = [os.path.join(sandbox.CGROUP_V2, 'grader'), os.path.join(sandbox.CGROUP_V1['pids'], 'grader')]
    pids = set()
    for parent in parents:
        for name in os.listdir(parent) if os.path.isdir(parent) else ():
            if name.startswith(prefix):
                try:
                    with open(os.path.join(parent, name, 'cgroup.procs')) as f:
                        pids.update(int(line) for line in f if line.strip())
                except OSError:
                    pass
    return pids


def stopped(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] == 'T'
    except OSError:
        return False


def test_a_check_starved_of_the_cpu_is_tried_again_and_passes():
    if sandbox.plan(RUNNER_KINDS['forkserver']).cgroup is None:
        pytest.skip('finding the runners needs job cgroups')
    # Conv.forward stops its own process on this check (as a machine too busy to run it would); the test
    # leaves the first runner stopped, past the wall bound, and lets the next one go on at once
    source = conv_doing('        if list(x.shape) == [2, 3, 6, 6]:\n            import os, signal\n'
                        '            os.kill(os.getpid(), signal.SIGSTOP)\n')
    seen, done = [], threading.Event()

    def conductor():
        end = time.monotonic() + 120
        while not done.is_set() and time.monotonic() < end:
            for pid in job_pids():
                if pid not in seen and stopped(pid):
                    seen.append(pid)
                    if len(seen) > 1:
                        os.kill(pid, signal.SIGCONT)
            time.sleep(0.02)
    thread = threading.Thread(target=conductor)
    thread.start()
    try:
        report, check = graded(source, timeout_cap_s=1, wall_bound=SHORT)
    finally:
        done.set()
        thread.join()
    assert (check.status, check.score) == ('passed', check.max_score), check.message
    assert len(seen) == 2                                # stopped in the first runner, then in a fresh one
    assert report.duration_s >= 3                        # the first runner was held past its 3 s bound
