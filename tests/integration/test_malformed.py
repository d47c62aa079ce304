"""Malformed and misbehaving submissions: each gets a readable message, the run always finishes."""
import pytest

from grader.catalog import get_profile
from grader.isolation.cputime import WallBound
from grader.engine import grade
from tests.helpers.paths import read_submission

pytestmark = pytest.mark.slow
PROFILE = get_profile('eecs498')
BASE = read_submission('correct_vectorized').decode()


def patched(old, new, count=1):
    assert BASE.count(old) == count, old
    return BASE.replace(old, new).encode()


def by_id(report):
    return {c.id: c for c in report.checks}


CONV_RETURN = '        cache = (x, w, b, conv_param)\n        return out, cache\n'


def test_syntax_error_names_the_line():
    source = patched('def hello_convolutional_networks():', 'def hello_convolutional_networks(:')
    report = grade(source, PROFILE, only=['conv_forward', 'maxpool_forward'])
    assert report.submission_error.startswith('could not import your file: SyntaxError')
    assert 'line 11' in report.submission_error
    assert {c.status for c in report.checks} == {'error'} and report.score == 0
    assert len(report.checks) == 12


def test_empty_file_reports_missing_names():
    report = grade(b'', PROFILE, only=['conv_forward.s1_p0', 'batchnorm_backward.notebook', 'kaiming_initializer'])
    checks = by_id(report)
    assert checks['conv_forward.s1_p0'].message.endswith('Conv.forward is missing from your file')
    assert 'BatchNorm.forward is missing' in checks['batchnorm_backward.notebook'].message
    assert 'kaiming_initializer is missing' in checks['kaiming_initializer.conv_relu'].message
    assert report.score == 0 and not report.submission_error


def test_missing_class_fails_only_its_checks():
    source = patched('class MaxPool(object):', 'class MaxPoolRenamed(object):')
    report = grade(source, PROFILE, only=['conv_forward', 'maxpool_forward', 'maxpool_backward'])
    for c in report.checks:
        if c.component.startswith('maxpool'):      # the untiled pool is advisory: worth 0, still explained
            assert c.status == ('advisory' if c.max_score == 0 else 'failed') and 'MaxPool.forward is missing' in c.message
        else:
            assert c.status == 'passed'


def test_wrong_return_arity():
    end = '        dx = dx_pad[:, :, pad:pad + H, pad:pad + W]\n'
    source = patched(end, end + '        return dx, dw\n')
    report = grade(source, PROFILE, only=['conv_backward.s1_p0', 'conv_forward.s1_p0'])
    checks = by_id(report)
    assert checks['conv_backward.s1_p0'].status == 'failed'
    assert 'Conv.backward returned 2 values; expected 3: (dx, dw, db)' in checks['conv_backward.s1_p0'].message
    assert checks['conv_forward.s1_p0'].status == 'passed'


def test_wrong_shape_is_reported_as_a_shape():
    source = patched(CONV_RETURN, '        cache = (x, w, b, conv_param)\n        return out[:, :, 1:], cache\n')
    report = grade(source, PROFILE, only=['conv_forward.s1_p0'])
    (check,) = report.checks
    assert check.status == 'failed'
    assert 'out has shape (2, 4, 3, 4), expected (2, 4, 4, 4)' in check.message


def test_nan_is_reported_as_nan():
    source = patched(CONV_RETURN, '        cache = (x, w, b, conv_param)\n        out = out.clone()\n'
                     '        out[0, 0, 0, 0] = float("nan")\n        return out, cache\n')
    report = grade(source, PROFILE, only=['conv_forward.s1_p0'])
    assert 'out contains 1 NaN and 0 Inf values' in report.checks[0].message


def test_exception_names_the_students_line():
    source = patched('        fan_in = Din * K * K\n', '        fan_in = Din * K * K\n        1 / 0\n')
    lineno = source.decode().splitlines().index('        1 / 0') + 1
    report = grade(source, PROFILE, only=['kaiming_initializer'])
    checks = by_id(report)
    assert checks['kaiming_initializer.linear_relu'].status == 'passed'
    conv = checks['kaiming_initializer.conv_relu']
    assert conv.status == 'error'
    assert conv.message.endswith('ZeroDivisionError: division by zero (your file line %d, in '
                                 'kaiming_initializer: 1 / 0)' % lineno)


def test_infinite_loop_times_out_and_the_next_checks_still_run():
    source = patched(CONV_RETURN, '        while True:\n            pass\n' + CONV_RETURN)
    report = grade(source, PROFILE, only=['conv_forward.s1_p0', 'maxpool_forward.3x3_s2_overlap'],
                   timeout_cap_s=3)
    checks = by_id(report)
    assert checks['conv_forward.s1_p0'].status == 'timeout'
    assert checks['conv_forward.s1_p0'].message == 'stride 1, pad 0: timed out after 3 s'
    assert checks['maxpool_forward.3x3_s2_overlap'].status == 'passed'
    # the loop ends on its 3 s of CPU time; on a machine loaded many times over, on the wall bound (twice)
    assert report.duration_s < 2 * WallBound().of(3) + 20


def test_loop_at_import_is_an_import_timeout():
    report = grade(b'import torch\nwhile True:\n    pass\n', PROFILE, only=['conv_forward.s1_p0'],
                   import_timeout_s=5)
    # its 5 s of CPU time end it; on a machine loaded many times over the submission's budget may come first
    assert ('did not finish within 5 s' in report.submission_error
            or 'grading machine was overloaded' in report.submission_error), report.submission_error
    assert report.checks[0].status == 'error'


def test_sys_exit_at_import():
    report = grade(b'import sys\nsys.exit(3)\n', PROFILE, only=['conv_forward.s1_p0'])
    assert 'SystemExit: 3 (your file line 2' in report.submission_error


def test_process_exit_inside_a_check_is_contained():
    source = patched(CONV_RETURN, '        import os\n        os._exit(0)\n' + CONV_RETURN)
    report = grade(source, PROFILE, only=['conv_forward.s1_p0', 'maxpool_forward.3x3_s2_overlap'])
    checks = by_id(report)
    assert checks['conv_forward.s1_p0'].status == 'error'
    assert 'the grading process died during this check: the process exited with status 0' \
        in checks['conv_forward.s1_p0'].message
    assert checks['maxpool_forward.3x3_s2_overlap'].status == 'passed'


def test_printed_output_is_captured_and_truncated():
    source = patched(CONV_RETURN, '        print("x" * 100000)\n        print("HELLO-END")\n' + CONV_RETURN)
    report = grade(source, PROFILE, only=['conv_forward.s1_p0'])
    check = report.checks[0]
    assert check.status == 'passed'
    assert 'characters cut' in check.output and check.output.endswith('HELLO-END')
    assert len(check.output) < 3000


def test_returning_a_non_tensor():
    source = patched(CONV_RETURN, '        cache = (x, w, b, conv_param)\n        return out.tolist(), cache\n')
    report = grade(source, PROFILE, only=['conv_forward.s1_p0'])
    assert 'out is list, not a tensor' in report.checks[0].message


def test_float32_output_is_a_dtype_problem():
    source = patched(CONV_RETURN, '        cache = (x, w, b, conv_param)\n        return out.float(), cache\n')
    report = grade(source, PROFILE, only=['conv_forward.s1_p0'])
    assert 'out has dtype float32, expected float64' in report.checks[0].message


def test_undecodable_file():
    report = grade(b'x = "\xff\xfe"\n', PROFILE, only=['conv_forward.s1_p0'])
    assert report.submission_error.startswith('could not import your file: SyntaxError')
    assert 'utf-8' in report.submission_error and 'line 1' in report.submission_error


def test_whole_submission_is_bounded_by_its_time_budget():
    # Every check hangs and every restart re-imports slowly: the budget (import + sum of timeouts) holds.
    source = b'import time\ntime.sleep(2)\n' + patched(CONV_RETURN, '        while True:\n            pass\n'
                                                         + CONV_RETURN)
    report = grade(source, PROFILE, only=['conv_forward'], timeout_cap_s=1, import_timeout_s=3)
    statuses = [c.status for c in report.checks]
    assert statuses[0] == 'timeout' and statuses[-1] in ('skipped', 'error', 'timeout')
    assert 'skipped' in statuses
    # the budget, plus what is not the student's time: each restart's runner start (torch import, slower on a
    # loaded machine) and the last teardown. Without the budget this takes ~6 x (2 + 1 + 2) = 30 s.
    assert report.duration_s <= 3 + 6 * 1 + 8
    skipped = [c for c in report.checks if c.status == 'skipped']
    assert skipped[0].message == 'not run: the submission used up its time budget of 9 s'
