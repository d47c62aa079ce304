"""The trusted side's work with sizes the student chose (issue 13, hole 2).

The training checks rebuild the student's trained model from the shapes the runner returns and
evaluate it outside the sandbox. A solver returning a 25 MB model of 14 wide conv layers took the
grading process past 6 GiB before grader/scoring/budget.py. The grade runs in a child process with a 3 GiB
soft address-space limit (what the unbounded evaluation would take is far more than this machine
has): the check must be a verdict naming the model's cost and the limit, the child's peak RSS
must stay well below what evaluating that model takes, and the other checks must be graded.
"""
import json
import os
import subprocess

import pytest

from tests.helpers.paths import PYTHON, ROOT
from tests.submissions.bugs import base_source

pytestmark = pytest.mark.slow
AS_LIMIT = 3 << 30
PEAK_LIMIT = 1536 << 20           # the grading process's own peak RSS (torch, data, the returned model)

HUGE_SOLVER = '''

class _HugeModel(object):
    """14 conv layers of 192 filters, no pooling: 6.3 M parameters (25 MB), 4.4 G multiply-adds per image."""

    def __init__(self):
        self.params, prev = {}, 3
        for k in range(1, 15):
            self.params['W%d' % k] = 0.01 * torch.randn(192, prev, 3, 3)
            self.params['b%d' % k] = torch.zeros(192)
            prev = 192
        self.params['W15'] = 0.01 * torch.randn(192 * 32 * 32, 10)
        self.params['b15'] = torch.zeros(10)
        self.max_pools, self.batchnorm, self.num_layers = [], False, 15


class _NoTraining(object):
    def __init__(self):
        self.model = _HugeModel()

    def train(self, *args, **kwargs):
        print('ATTACK: returning a 14-layer model of 192 filters')


def create_convolutional_solver_instance(data_dict, dtype, device):
    return _NoTraining()
'''

CHILD = '''
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (%(limit)d, resource.getrlimit(resource.RLIMIT_AS)[1]))
from grader.catalog import get_profile
from grader.engine import grade
from grader.isolation import teardown
from tests.helpers.isolation import RUNNER_KINDS
source = open(sys.argv[1], 'rb').read()
report = grade(source, get_profile('eecs498'), only=['solver', 'conv_forward.s1_p0'],
               sandbox=RUNNER_KINDS[sys.argv[2]])
teardown.wait_all(timeout_s=10)
peak = [int(line.split()[1]) * 1024 for line in open('/proc/self/status') if line.startswith('VmHWM')][0]
print(json.dumps({'peak': peak, 'checks': {c.id: [c.status, c.score, c.message, c.output] for c in report.checks}}))
'''


def grade_in_child(source, isolation, tmp_path):
    path = tmp_path / 'convolutional_networks.py'
    path.write_bytes(source.encode())
    proc = subprocess.run([PYTHON, '-c', CHILD % {'limit': AS_LIMIT}, str(path), isolation], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_a_huge_trained_model_is_a_verdict_not_a_dead_worker(isolation, tmp_path):
    result = grade_in_child(base_source('correct_vectorized') + HUGE_SOLVER, isolation, tmp_path)
    checks = result['checks']
    status, score, message, output = checks['solver.synthetic_cifar']
    assert 'ATTACK: returning a 14-layer model' in output                  # the attack ran
    assert status == 'failed' and score == 0.0, message
    assert ('test_accuracy not measured: your model needs 4.42 G multiply-adds per image; '
            'the grader evaluates models of up to 300 M') in message
    assert result['peak'] < PEAK_LIMIT, 'grading peaked at %.0f MiB' % (result['peak'] / 2 ** 20)
    assert checks['conv_forward.s1_p0'][:2] == ['passed', checks['conv_forward.s1_p0'][1]]
    assert checks['conv_forward.s1_p0'][1] > 0


def test_a_correct_solver_is_still_measured(isolation, tmp_path):
    """The same child, with the correct file: the bounds cost a correct submission nothing."""
    result = grade_in_child(base_source('correct_vectorized'), isolation, tmp_path)
    status, score, message, _ = result['checks']['solver.synthetic_cifar']
    assert status == 'passed' and score > 0, message
    assert result['peak'] < PEAK_LIMIT
