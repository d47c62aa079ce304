"""The runner's CPU time as the grader reads it: from the job's cgroup (v1 cpuacct, v2 cpu.stat), else from
/proc of the runner's process tree (reaped children included, live grandchildren found, never going back)."""
import os
import signal
import subprocess
import sys
import time
import uuid
import warnings

import pytest

from grader.isolation import cputime, sandbox
from grader.isolation.cputime import Clock, Limit, WallBound

# burns `seconds` of its own CPU time (not wall time: the same on a loaded machine)
BURN = 'import time\ndef burn(seconds):\n    end = time.process_time() + seconds\n' \
       '    while time.process_time() < end:\n        pass\n'
# burns 0.3 s, has a child burn 0.3 s and reaps it, leaves a grandchild that burnt 0.3 s alive, then waits
TREE = BURN + '''import os, sys
burn(0.3)
pid = os.fork()
if pid == 0:
    burn(0.3)
    os._exit(0)
os.waitpid(pid, 0)
if os.fork() == 0:
    burn(0.3)
    print('ready', flush=True)
    sys.stdin.read()
    os._exit(0)
sys.stdin.read()
'''


def started(code, **kwargs):
    """A python child running code, once it printed its first line."""
    child = subprocess.Popen([kwargs.pop('python', sys.executable), '-c', code], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, **kwargs)
    assert child.stdout.readline() == b'ready\n'
    return child


def ended(child):
    child.stdin.close()
    child.stdout.close()
    child.wait(timeout=10)


def test_the_process_tree_counts_reaped_children_and_live_grandchildren():
    child = started(TREE)
    try:
        # clock ticks: each field of each process may be up to one tick short
        assert 0.85 <= cputime.tree_seconds(child.pid) < 1.2
        assert 0.55 <= cputime.process_seconds(child.pid) < 0.8       # itself and the child it reaped
    finally:
        ended(child)
    assert cputime.process_seconds(child.pid) is None                   # gone


def test_a_command_name_with_spaces_and_parentheses_is_read(tmp_path):
    odd = tmp_path / 'x) (y z'
    os.symlink(sys.executable, odd)
    child = started(BURN + 'burn(0.2)\nprint("ready", flush=True)\nimport sys\nsys.stdin.read()\n',
                    python=str(odd))
    try:
        assert open('/proc/%d/comm' % child.pid).read().strip() == 'x) (y z'
        assert 0.18 <= cputime.process_seconds(child.pid) < 0.4
    finally:
        ended(child)


def test_the_clock_never_goes_back_when_a_process_leaves_the_tree():
    # the middle process ends without reaping its child: the grandchild's time leaves the tree with it
    child = started(BURN + '''import os, sys
middle = os.fork()
if middle == 0:
    if os.fork() == 0:
        burn(0.3)
        print('ready', flush=True)
        os.kill(os.getpid(), 19)                   # SIGSTOP: wait, ended by the test
        os._exit(0)
    sys.stdin.read()
    os._exit(0)
sys.stdin.read()
''')
    grandchild = []
    try:
        clock = Clock(child.pid)
        assert clock() >= 0.28
        grandchild = [g for m in cputime.children(child.pid) for g in cputime.children(m)]
        assert len(grandchild) == 1
        middle = cputime.children(child.pid)[0]
        os.kill(middle, signal.SIGKILL)                 # reaped by nobody in the tree: its child goes to init
        for _ in range(100):
            if cputime.tree_seconds(child.pid) < 0.2:
                break
            time.sleep(0.02)
        assert cputime.tree_seconds(child.pid) < 0.2 < 0.28 <= clock()
    finally:
        for pid in grandchild:
            os.kill(pid, signal.SIGKILL)
        ended(child)


def _burn_in(dirs, seconds=0.4):
    """Run a process in the cgroup folders that burns `seconds` and ends -> its CPU time by wait4."""
    def join():
        for path in dirs:
            with open(os.path.join(path, 'cgroup.procs'), 'w') as f:
                f.write(str(os.getpid()))
    child = subprocess.Popen([sys.executable, '-c', BURN + 'burn(%g)\n' % seconds], preexec_fn=join)
    _, _, usage = os.wait4(child.pid, 0)
    child.returncode = 0
    return usage.ru_utime + usage.ru_stime


def test_the_job_cgroup_counts_processes_that_ended():
    with warnings.catch_warnings():                      # weak mode says so loudly: only its cgroup is used here
        warnings.simplefilter('ignore')
        plan = sandbox.plan(sandbox.SandboxConfig(mode='weak'))
    if plan.cgroup is None:
        pytest.skip('no job cgroups here (needs root and cgroup v1 or v2)')
    cgroup = sandbox.Cgroup(plan.cgroup, 'job', plan.config)
    try:
        clock = Clock(os.getpid(), cgroup.dirs)
        assert clock.dirs, 'the job cgroup keeps no CPU count: %s' % cgroup.dirs
        assert clock() == 0.0
        used = _burn_in(cgroup.dirs)
        assert abs(clock() - used) < 0.05, (clock(), used)
    finally:
        cgroup.remove()


def _cgroup2_mount():
    with open('/proc/mounts') as f:
        mounts = [line.split()[1] for line in f if line.split()[2] == 'cgroup2']
    return next((m for m in mounts if os.access(m, os.W_OK)), None)


def test_a_cgroup2_cpu_stat_is_read():
    mount = _cgroup2_mount()
    if mount is None:
        pytest.skip('no writable cgroup2 hierarchy here')
    path = os.path.join(mount, 'cputime-test-%s' % uuid.uuid4().hex)
    os.mkdir(path)
    try:
        assert cputime.cgroup_seconds(path) == 0.0
        used = _burn_in([path])
        assert abs(cputime.cgroup_seconds(path) - used) < 0.05
    finally:
        os.rmdir(path)


def test_a_folder_without_a_count_is_none(tmp_path):
    assert cputime.cgroup_seconds(str(tmp_path)) is None
    (tmp_path / 'cpu.stat').write_text('nr_periods 0\nnr_throttled 0\n')      # v1 cpu controller's: no usage
    assert cputime.cgroup_seconds(str(tmp_path)) is None


def test_a_limit_is_reached_by_cpu_time_or_by_the_wall_clock():
    assert WallBound().of(20) == 60 and WallBound().of(2) == 32
    exec(BURN, globals())
    computing = Limit(0.2, 30.0, Clock(os.getpid()))                 # this process's own tree
    assert computing.over() is None and 0 < computing.wait_s() <= cputime.POLL_S
    burn(0.25)                                                       # noqa: F821 (defined by BURN)
    assert computing.over() == 'cpu'
    waiting = Limit(0.2, 0.2, Clock(os.getpid()))
    time.sleep(0.25)
    assert waiting.over() == 'wall' and waiting.used()[0] < 0.05
    assert Limit.wall(10).over() is None and Limit.wall(0).over() == 'wall'
