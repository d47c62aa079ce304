"""A graded submission's runner is killed before grade() returns; waiting for it to go, removing its cgroup
and deleting its files happen on a thread (grader/isolation/teardown.py), and leave nothing behind."""
import os
import random
import tempfile

import pytest

from grader.catalog import get_profile
from grader.engine import grade
from grader.isolation import sandbox, teardown
from tests.helpers.isolation import RUNNER_KINDS
from tests.helpers.paths import read_submission

pytestmark = pytest.mark.slow
PROFILE = get_profile('eecs498')


@pytest.fixture
def made_cgroups(monkeypatch):
    """The folders of every cgroup this test's gradings create (the real class, recorded)."""
    made, create = [], sandbox.Cgroup.__init__

    def recording(self, *args):
        create(self, *args)
        made.extend(self.dirs)
    monkeypatch.setattr(sandbox.Cgroup, '__init__', recording)
    return made


@pytest.mark.parametrize('kind', RUNNER_KINDS)
def test_the_teardown_leaves_no_files_no_cgroup_and_no_process(kind, made_cgroups):
    base = tempfile.mkdtemp()                   # not pytest's tmp_path: the sandbox user must reach it
    os.chmod(base, 0o755)
    duration = '60.%06d' % random.randrange(10 ** 6)       # its own: other tests start sleeps too
    source = read_submission('correct_vectorized') + (
        b'\nimport subprocess\nKEEP = subprocess.Popen(["sleep", "%s"])\n' % duration.encode())
    report = grade(source, PROFILE, only=['conv_forward.s1_p0'], sandbox=RUNNER_KINDS[kind], base_dir=base)
    assert report.score == report.max_score > 0
    assert teardown.wait_all(10)
    assert os.listdir(base) == []                                       # the job folder is gone
    os.rmdir(base)
    assert made_cgroups and not any(os.path.exists(d) for d in made_cgroups)   # so is its cgroup
    sleepers = [p for p in os.listdir('/proc') if p.isdigit() and _cmdline(p) == 'sleep ' + duration]
    assert sleepers == []                                               # and the child it started


def _cmdline(pid):
    try:
        with open('/proc/%s/cmdline' % pid, 'rb') as f:
            return f.read().replace(b'\0', b' ').decode().strip()
    except OSError:
        return ''
