"""Crafted replies: student code writes its own line on the runner's reply pipe, ahead of the real reply.

The line is JSON the default parser takes badly (Infinity: OverflowError; 100 000 nested arrays:
RecursionError), which once ended the CLI with a traceback. Now that check is an error that says so and the
other checks are graded, by the CLI and by the engine (the service's path is tests/integration/service/
test_grading_failures.py)."""
import json
import subprocess

import pytest

from tests.attacks.helpers import ATTACKED, UNTOUCHED, by_id, grade_strict
from tests.helpers.paths import PYTHON, ROOT

pytestmark = pytest.mark.slow
MODES = ['infinity', 'nesting', 'quadratic']


def assert_attacked_check_is_an_error(checks):
    """checks: id -> dict or CheckResult-like with status, score, message, output."""
    attacked, untouched = checks[ATTACKED], checks[UNTOUCHED]
    assert attacked['status'] == 'error' and attacked['score'] == 0, attacked
    assert 'the runner sent an unreadable reply' in attacked['message'], attacked['message']
    assert '\n' not in attacked['message']
    assert untouched['status'] == 'passed' and untouched['score'] == untouched['max_score'], untouched


@pytest.mark.parametrize('mode', MODES)
def test_a_crafted_reply_is_that_checks_error_in_the_cli(attack, isolation, mode, tmp_path):
    submission, out = tmp_path / 'convolutional_networks.py', tmp_path / 'r.json'
    submission.write_bytes(attack('data_reply_crafted', mode=mode, check=ATTACKED))
    proc = subprocess.run([PYTHON, '-m', 'grader', 'grade', str(submission), '--sandbox', 'strict', '--only', ATTACKED,
                           '--only', UNTOUCHED, '--json', str(out)] + (['--fork-server'] if isolation == 'forkserver'
                                                                        else []),
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'Traceback' not in proc.stderr, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    checks = {c['id']: c for c in result['checks']}
    assert_attacked_check_is_an_error(checks)
    assert 'ATTACK: crafted reply sent (%s)' % mode in checks[ATTACKED]['output']
    assert result['score'] == round(checks[UNTOUCHED]['max_score'], 4)
    assert proc.stdout.splitlines()[-1].startswith('total: %.2f / ' % result['score'])


@pytest.mark.parametrize('mode', MODES)
def test_a_crafted_reply_is_that_checks_error_in_the_engine(attack, mode):
    report = grade_strict(attack('data_reply_crafted', mode=mode, check=ATTACKED))
    checks = {c.id: vars(c) for c in report.checks}
    assert_attacked_check_is_an_error(checks)
    assert by_id(report)[UNTOUCHED].status == 'passed'
    assert by_id(report)[ATTACKED].duration_s < 3                # the reply is read in linear time


def test_a_huge_name_from_the_runner_is_no_huge_message(attack, isolation, tmp_path):
    """A returned object whose type's name is 20 million characters: the check is an error with a short message
    and the whole report stays small."""
    submission, out = tmp_path / 'convolutional_networks.py', tmp_path / 'r.json'
    submission.write_bytes(attack('data_huge_type_name'))
    proc = subprocess.run([PYTHON, '-m', 'grader', 'grade', str(submission), '--sandbox', 'strict',
                           '--only', 'conv_forward', '--json', str(out)]
                          + (['--fork-server'] if isolation == 'forkserver' else []),
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    checks = json.loads(out.read_text())['checks']
    assert len(checks) == 6 and all(c['status'] in ('error', 'failed', 'advisory') for c in checks)
    # an advisory check's message adds why its configuration is outside the contract (about 300 characters)
    assert all(len(c['message']) < 2600 for c in checks), [len(c['message']) for c in checks]
    assert out.stat().st_size < 100_000 and len(proc.stdout) < 20_000
