"""Student text cannot forge grader output: an import error whose message holds a second total line, ANSI
escapes (cursor up, erase line, colour), a carriage return, a bidi override and a NUL is printed on one line
with those escaped, in the CLI's table, its --json and its --gradescope."""
import json
import subprocess

import pytest

from tests.attacks.helpers import ATTACKED, UNTOUCHED
from tests.helpers.paths import PYTHON, ROOT

pytestmark = pytest.mark.slow
UNSAFE = ('\x1b', '\r', '\u202e', '\x00')


def test_an_import_error_cannot_print_a_second_total_line(attack, isolation, tmp_path):
    submission, out, gs = tmp_path / 'convolutional_networks.py', tmp_path / 'r.json', tmp_path / 'results.json'
    submission.write_bytes(attack('data_import_forged_total'))
    proc = subprocess.run([PYTHON, '-m', 'grader', 'grade', str(submission), '--sandbox', 'strict', '--only', ATTACKED,
                           '--only', UNTOUCHED, '--json', str(out), '--gradescope', str(gs)]
                          + (['--fork-server'] if isolation == 'forkserver' else []),
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    printed = proc.stdout.split('\n')
    totals = [line for line in printed if line.lstrip().startswith('total:')]
    assert totals == ['total: 0.00 / %s (profile eecs498, grader 0.1.0)' % totals[0].split(' / ')[1].split()[0]]
    assert not any(c in proc.stdout for c in UNSAFE), proc.stdout
    error = [line for line in printed if 'could not import your file' in line]
    assert len(error) == 1 and 'ValueError: fine\\n total: 92.00 / 92.00' in error[0], printed
    assert '\\x1b[1A\\x1b[2K' in error[0] and '\\u202e' in error[0] and '\\r' in error[0]
    result = json.loads(out.read_text())
    graded = json.loads(gs.read_text())
    messages = [result['submission_error'], graded['output']] + [c['message'] for c in result['checks']]
    assert all('\n' not in m and not any(c in m for c in UNSAFE) for m in messages), messages
    assert result['submission_error'] == error[0]
    assert graded['score'] == result['score'] == 0
    assert {c['status'] for c in result['checks']} == {'error'} and len(result['checks']) == 2
