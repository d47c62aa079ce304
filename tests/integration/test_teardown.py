"""A graded submission's runner is killed before grade() returns; waiting for it to go, removing its cgroup
and deleting its files happen on a thread (grader/teardown.py), and leave nothing behind."""
import glob
import os
import tempfile

import pytest

from grader import teardown
from grader.catalog import get_profile
from grader.engine import grade
from grader.sandbox import CGROUP_V1, CGROUP_V2
from tests.conftest import RUNNER_KINDS, read_submission

pytestmark = pytest.mark.slow
PROFILE = get_profile('eecs498')


def job_cgroups():
    return (set(glob.glob(os.path.join(CGROUP_V2, 'grader', 'job-*')))
               | set(glob.glob(os.path.join(CGROUP_V1.get('pids', '/nonexistent'), 'grader', 'job-*'))))


@pytest.mark.parametrize('kind', RUNNER_KINDS)
def test_the_teardown_leaves_no_files_no_cgroup_and_no_process(kind):
    base = tempfile.mkdtemp()                   # not pytest's tmp_path: the sandbox user must reach it
    os.chmod(base, 0o755)
    before = job_cgroups()
    source = read_submission('correct_vectorized') + (b'\nimport subprocess\nKEEP = subprocess.Popen(["sleep", "60"])\n')
    report = grade(source, PROFILE, only=['conv_forward.s1_p0'], sandbox=RUNNER_KINDS[kind], base_dir=base)
    assert report.score == report.max_score > 0
    assert teardown.wait_all(10)
    assert os.listdir(base) == []                                       # the job folder is gone
    os.rmdir(base)
    assert job_cgroups() == before                                      # so is its cgroup
    sleepers = [p for p in os.listdir('/proc') if p.isdigit() and _cmdline(p) == 'sleep 60']
    assert sleepers == []                                               # and the child it started


def _cmdline(pid):
    try:
        with open('/proc/%s/cmdline' % pid, 'rb') as f:
            return f.read().replace(b'\0', b' ').decode().strip()
    except OSError:
        return ''
