"""A grading process killed mid-grading (SIGKILL, the OOM killer) leaves its job folder and cgroup behind;
grader.isolation.orphans.sweep() removes them, and nothing a running process owns."""
import os
import subprocess
import tempfile
import time

import pytest

from grader.isolation import orphans, sandbox
from grader.isolation.runner_files import RunnerFiles
from tests.helpers.isolation import RUNNER_KINDS, cgroups_of, leftover_processes  # cgroups_of: service/test_worker.py too
from tests.helpers.paths import PYTHON, ROOT, read_submission

pytestmark = pytest.mark.slow
GRADE = '''
import sys
from grader.catalog import get_profile
from grader.engine import grade
from tests.helpers.isolation import RUNNER_KINDS
grade(open(sys.argv[1], 'rb').read(), get_profile('eecs498'), only=['conv_forward.s1_p0'],
      sandbox=RUNNER_KINDS[sys.argv[2]], base_dir=sys.argv[3])
'''


@pytest.mark.parametrize('kind', RUNNER_KINDS)
def test_what_a_killed_grading_process_left_is_swept(kind):
    base = tempfile.mkdtemp()                   # not pytest's tmp_path: the sandbox user must reach it
    os.chmod(base, 0o755)
    marker = '%d.%d' % (700 + os.getpid() % 200, os.getpid())           # a sleep nobody else runs
    path = os.path.join(base, 'submission.py')
    with open(path, 'wb') as f:
        f.write(read_submission('correct_vectorized') +
                b'\nimport subprocess, time\nsubprocess.Popen(["sleep", "%s"])\ntime.sleep(60)\n' % marker.encode())
    proc = subprocess.Popen([PYTHON, '-c', GRADE, path, kind, base], cwd=ROOT)
    try:
        folder = _wait_for_start(proc, base, marker, 60)
        cgroups = cgroups_of(proc.pid)
    finally:
        proc.kill()                              # the grading process only, as the OOM killer would
        proc.wait()
    time.sleep(0.5)
    assert os.path.isdir(folder)                 # left behind: no teardown ran
    assert bool(cgroups) == bool(sandbox.plan(RUNNER_KINDS[kind]).cgroup)
    assert all(os.path.isdir(c) for c in cgroups)
    alive = RunnerFiles(base_dir=base)           # this process's: still in use
    removed = orphans.sweep(base)
    assert folder in removed and not os.path.exists(folder)
    assert all(c in removed and not os.path.exists(c) for c in cgroups)    # removed only once empty
    assert os.path.isdir(alive.root) and alive.root not in removed
    alive.cleanup()
    os.remove(path)
    os.rmdir(base)


def _wait_for_start(proc, base, marker, timeout_s):
    """The job folder, once the submission's import has started its `sleep marker` (output is not on disk)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and proc.poll() is None:
        if leftover_processes(marker):
            folders = [name for name in os.listdir(base) if name.startswith('grade-')]
            assert len(folders) == 1, folders
            return os.path.join(base, folders[0])
        time.sleep(0.1)
    raise AssertionError('the submission did not start within %d s (grading process: %s)'
                         % (timeout_s, proc.poll()))
