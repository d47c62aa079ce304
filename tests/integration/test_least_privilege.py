"""The capabilities docker-compose.yml gives a worker container are enough for the whole sandbox, and the one
that matters cannot be dropped: a grading process confined to that capability set (no new privileges, as the
container's `no-new-privileges`) grades with every layer on, in both runner kinds; without SYS_ADMIN the strict
sandbox refuses to start with a sentence, instead of grading with less isolation."""
import re
import subprocess

import pytest

from tests.helpers.paths import PYTHON, ROOT, submission_path

pytestmark = pytest.mark.slow
COMPOSE = '%s/docker-compose.yml' % ROOT
GRADE = '''
import sys
from grader.catalog import get_profile
from grader.engine import grade
from grader.isolation.sandbox import SandboxConfig, plan
config = SandboxConfig(mode='strict', fork_server=sys.argv[2] == 'forkserver')
print('plan:', plan(config).describe(), flush=True)
report = grade(open(sys.argv[1], 'rb').read(), get_profile('eecs498'), only=['conv_forward.s1_p0'], sandbox=config)
print('full marks' if report.score == report.max_score > 0 else report.table())
'''


def compose_caps():
    """cap_add of the compose file's sandbox hosts (read as text: no YAML parser in the environment)."""
    with open(COMPOSE) as f:
        found = re.search(r'^  cap_add: \[([A-Z_, ]+)\]$', f.read(), re.M)
    return [c.strip().lower() for c in found.group(1).split(',')]


def grade_with(caps, kind):
    bounding = ','.join(['-all'] + ['+' + c for c in caps])
    return subprocess.run(['setpriv', '--bounding-set', bounding, '--inh-caps=-all', '--no-new-privs',
                           PYTHON, '-c', GRADE, submission_path('correct_vectorized'), kind],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize('kind', ['bwrap', 'forkserver'])
def test_the_compose_capabilities_are_enough(kind):
    caps = compose_caps()
    assert 'sys_admin' in caps and len(caps) <= 7, caps
    done = grade_with(caps, kind)
    assert done.returncode == 0, done.stderr[-2000:]
    layers = 'fork-server namespaces' if kind == 'forkserver' else 'bubblewrap namespaces'
    assert re.search(r'plan: %s, uid \d+, rlimits, cgroup v[12], seccomp' % layers, done.stdout), done.stdout
    assert done.stdout.strip().endswith('full marks'), done.stdout


def test_without_sys_admin_the_fork_server_refuses_to_start():
    done = grade_with([c for c in compose_caps() if c != 'sys_admin'], 'forkserver')
    assert done.returncode != 0 and 'full marks' not in done.stdout
    assert 'SandboxUnavailable' in done.stderr, done.stderr[-2000:]
