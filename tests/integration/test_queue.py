"""Requests run ahead of the answers (engine.run_checks): each check still gets its own output, its own
time from when the runner starts it, and checks queued behind a timeout or a crash run on a fresh runner."""
import re

import pytest

from grader.catalog import get_profile
from grader.engine import _output_end, grade, select_checks
from grader.scoring.inputs import make_inputs
from tests.helpers.isolation import RUNNER_KINDS
from tests.helpers.paths import read_submission

pytestmark = pytest.mark.slow
PROFILE = get_profile('eecs498')
BASE = read_submission('correct_vectorized').decode()
CONV_RETURN = '        cache = (x, w, b, conv_param)\n        return out, cache\n'
CONV_IDS = [s.id for s in select_checks(PROFILE, only=['conv_forward'])]


def conv_doing(code):
    assert BASE.count(CONV_RETURN) == 1
    return BASE.replace(CONV_RETURN, code + CONV_RETURN).encode()


def shape_of(check_id):
    return list(make_inputs(PROFILE.check(check_id))[0]['x'].shape)


def test_output_ends_where_the_runner_says_within_what_is_on_disk():
    assert _output_end({'out': [10, 5]}, (2, 0), (30, 9)) == (10, 5)
    assert _output_end({'out': [99, 5]}, (2, 0), (30, 9)) == (30, 5)        # past the file: cut to it
    assert _output_end({'out': [1, 5]}, (2, 0), (30, 9)) == (2, 5)          # before the last check's end
    for said in (None, [1], ['1', 2], [True, 2], 'x'):
        assert _output_end({'out': said}, (2, 0), (30, 9)) == (30, 9)      # unreadable: all that is there
    assert _output_end(None, (2, 0), (30, 9)) == (30, 9)


@pytest.mark.parametrize('kind', RUNNER_KINDS)
def test_each_check_shows_only_what_it_printed(kind):
    # the import is answered after the first checks are queued, and each answer is read after the runner went on
    source = b'print("AT IMPORT")\n' + conv_doing('        print("SHAPE", list(x.shape))\n        import sys\n'
                                                 '        print("ERR", list(x.shape), file=sys.stderr)\n')
    report = grade(source, PROFILE, only=['conv_forward'], sandbox=RUNNER_KINDS[kind])
    assert [c.id for c in report.checks] == CONV_IDS
    for check in report.checks:
        assert check.status == 'passed', check.message
        assert re.findall(r'(SHAPE|ERR) (\[.*?\])', check.output) == [('SHAPE', str(shape_of(check.id))),
                                                                      ('ERR', str(shape_of(check.id)))]
        assert 'AT IMPORT' not in check.output                  # the import's output belongs to no check


def test_a_checks_time_starts_when_the_runner_starts_it():
    # six checks of 0.7 s each, sent together, 1.5 s each: timed from sending, the third would time out
    report = grade(conv_doing('        import time\n        time.sleep(0.7)\n'), PROFILE, only=['conv_forward'],
                   timeout_cap_s=1.5)
    assert [c.status for c in report.checks] == ['passed'] * len(CONV_IDS), [c.message for c in report.checks]
    assert all(0.65 < c.duration_s < 1.5 for c in report.checks), [c.duration_s for c in report.checks]


def test_checks_queued_behind_a_hang_and_a_crash_run_on_fresh_runners():
    hang, crash = shape_of(CONV_IDS[1]), shape_of(CONV_IDS[3])
    source = conv_doing('        if list(x.shape) == %r:\n            while True:\n                pass\n'
                        '        if list(x.shape) == %r:\n            import os\n            os._exit(3)\n'
                        '        print("RAN", list(x.shape))\n' % (hang, crash))
    report = grade(source, PROFILE, only=['conv_forward'], timeout_cap_s=2)
    statuses = [c.status for c in report.checks]
    assert statuses == ['passed', 'timeout', 'passed', 'error', 'passed', 'passed'], statuses
    assert 'exited with status 3' in report.checks[3].message
    for check in report.checks:
        if check.status == 'passed':
            assert check.output == 'RAN %s' % shape_of(check.id)
