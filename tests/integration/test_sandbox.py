"""The sandbox's layers as the student code sees them, and its modes."""
import json
import os
import pwd
import subprocess
import sys

import pytest

from grader.catalog import get_profile
from grader.engine import grade
from grader.isolation.sandbox import SandboxConfig, SandboxUnavailable, plan
from tests.helpers.paths import PYTHON, ROOT, read_submission

pytestmark = pytest.mark.slow
PROFILE = get_profile('eecs498')
ONLY = ['conv_forward.s1_p0', 'maxpool_forward.3x3_s2_overlap']
BASE = read_submission('correct_vectorized').decode()
INSPECT = '''
import json as _json, os as _os, resource as _r, socket as _s, sys as _sys
def _view():
    lim = {n: _r.getrlimit(getattr(_r, n)) for n in ('RLIMIT_CPU', 'RLIMIT_NPROC', 'RLIMIT_FSIZE',
                                                    'RLIMIT_NOFILE', 'RLIMIT_CORE', 'RLIMIT_AS')}
    status = dict(l.split(':', 1) for l in open('/proc/self/status').read().splitlines() if ':' in l)
    try:
        _s.socket(_s.AF_INET, _s.SOCK_STREAM)
        sock = 'allowed'
    except OSError as e:
        sock = e.strerror
    return {'uid': _os.getuid(), 'pid': _os.getpid(), 'root': sorted(_os.listdir('/')),
            'job': sorted(_os.listdir('/job')) if _os.path.isdir('/job') else None, 'cwd': _os.getcwd(),
            'limits': lim, 'seccomp': status['Seccomp'].strip(), 'nnp': status['NoNewPrivs'].strip(),
            'net': [l.split(':')[0].strip() for l in open('/proc/net/dev').read().splitlines()[2:]],
            'socket': sock, 'env': sorted(_os.environ), 'exe': _sys.executable,
            'beside_venv': sorted(_os.listdir(_os.path.dirname(_sys.prefix)))}
print('VIEW ' + _json.dumps(_view()))
'''


def assert_isolated(view):
    """The layers both ways of starting a runner give: uid, pid namespace, network, seccomp, limits, env."""
    assert view['uid'] == pwd.getpwnam('sandbox').pw_uid
    assert view['pid'] <= 4                                   # a pid namespace of its own
    assert view['cwd'] == '/job'
    assert view['net'] == ['lo'] and view['socket'] == 'Operation not permitted'
    assert view['seccomp'] == '2' and view['nnp'] == '1'
    # per-job process bound: the cgroup's pids.max; RLIMIT_NPROC (per uid, shared by all jobs) is a backstop
    assert view['limits']['RLIMIT_NPROC'] == [4096, 4096] and view['limits']['RLIMIT_CORE'] == [0, 0]
    assert view['limits']['RLIMIT_AS'] == [6144 << 20] * 2
    assert view['limits']['RLIMIT_FSIZE'] == [64 << 20] * 2 and view['limits']['RLIMIT_NOFILE'] == [128, 128]
    assert set(view['env']) == {'HOME', 'LANG', 'MKL_NUM_THREADS', 'MPLBACKEND', 'OMP_NUM_THREADS', 'PATH',
                                'PYTHONDONTWRITEBYTECODE', 'PYTHONHASHSEED', 'PWD'}


def test_strict_sandbox_view_from_inside():
    _, view = grade_view(SandboxConfig(mode='strict'))
    assert_isolated(view)
    assert set(view['root']) <= {'usr', 'lib', 'lib64', 'bin', 'sbin', 'proc', 'dev', 'tmp', 'job', 'opt'}
    assert view['job'] == ['runner', 'submission']
    assert ROOT not in json.dumps(view)                       # the project's path is nowhere inside
    assert view['beside_venv'] == ['venv']


def test_fork_server_sandbox_view_from_inside():
    _, view = grade_view(SandboxConfig(mode='strict', fork_server=True))
    assert_isolated(view)
    top = sys.prefix.split('/')[1]                            # the environment at its own path, alone
    assert set(view['root']) <= {'usr', 'lib', 'lib64', 'bin', 'sbin', 'proc', 'dev', 'tmp', 'job', top}
    assert view['beside_venv'] == [os.path.basename(sys.prefix)] and view['exe'] == sys.executable
    assert view['job'] == ['submission']                      # the runner's code is already imported


def grade_view(config):
    """Grade a file that prints what it sees at import time; the import output lands in the first check."""
    source = BASE.replace('    def forward(x, w, b, conv_param):\n',
                          '    def forward(x, w, b, conv_param):\n        _show()\n', 1)
    source = source.replace('from fully_connected_networks import Linear_ReLU, Linear, Solver, adam, ReLU\n',
                            'from fully_connected_networks import Linear_ReLU, Linear, Solver, adam, ReLU\n'
                            + INSPECT.replace("print('VIEW ' + _json.dumps(_view()))",
                                              "def _show():\n    print('VIEW ' + _json.dumps(_view()))"), 1)
    report = grade(source.encode(), PROFILE, only=ONLY[:1], sandbox=config)
    check = report.checks[0]
    assert check.status == 'passed', check.message
    return report, json.loads(check.output.split('VIEW ', 1)[1].splitlines()[0])


def test_weak_mode_keeps_user_rlimits_and_seccomp_and_says_so():
    config = SandboxConfig(mode='weak')
    plan.cache_clear()                                        # the warning comes with each new plan
    with pytest.warns(RuntimeWarning, match='SANDBOX IN WEAK MODE'):
        _, view = grade_view(config)
    assert view['uid'] == pwd.getpwnam('sandbox').pw_uid
    assert view['seccomp'] == '2' and view['socket'] == 'Operation not permitted'
    assert view['limits']['RLIMIT_NPROC'] == [4096, 4096]
    assert 'etc' in view['root']                              # no mount namespace: the weakness it admits


def test_strict_mode_refuses_to_run_without_bubblewrap():
    with pytest.raises(SandboxUnavailable, match='no /nonexistent/bwrap on PATH'):
        plan(SandboxConfig(mode='strict', bwrap='/nonexistent/bwrap'))


def test_auto_mode_falls_back_loudly_only_when_bubblewrap_is_missing():
    with pytest.warns(RuntimeWarning, match='no /nonexistent/bwrap on PATH'):
        result = plan(SandboxConfig(mode='auto', bwrap='/nonexistent/bwrap'))
    assert not result.strict and 'weak mode' in result.describe()
    broken = SandboxConfig(mode='auto', bwrap='false')          # installed but failing: an error
    with pytest.raises(SandboxUnavailable, match='strict sandbox unavailable'):
        plan(broken)


def test_cli_strict_without_bubblewrap_exits_2():
    env = dict(os.environ, PATH='/nonexistent')
    proc = subprocess.run([PYTHON, '-m', 'grader', 'grade', 'tests/submissions/correct_vectorized',
                           '--sandbox', 'strict', '--only', 'conv_forward'], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip() == 'error: strict sandbox unavailable: no bwrap on PATH'


def test_gpu_sandbox_adds_only_the_device_nodes_and_the_library_lookup(monkeypatch):
    from grader.isolation.sandbox import bwrap_argv
    monkeypatch.setenv('LD_LIBRARY_PATH', '/usr/local/nvidia/lib64')
    cpu = bwrap_argv(plan(SandboxConfig(mode='strict')), (), ['-c', 'pass'])
    gpu = bwrap_argv(plan(SandboxConfig(mode='strict', gpu=True)), (), ['-c', 'pass'])
    assert '/etc/ld.so.cache' not in cpu and 'LD_LIBRARY_PATH' not in cpu
    i = gpu.index('--ro-bind-try')
    assert gpu[i + 1:i + 3] == ['/etc/ld.so.cache', '/etc/ld.so.cache']          # read-only, nothing else of /etc
    j = gpu.index('LD_LIBRARY_PATH')
    assert gpu[j - 1] == '--setenv' and gpu[j + 1] == '/usr/local/nvidia/lib64'
    assert [a for a in gpu if a not in cpu] == ['--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache',
                                                '--setenv', 'LD_LIBRARY_PATH', '/usr/local/nvidia/lib64']  # no /dev/nvidia*
