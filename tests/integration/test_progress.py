"""grade(progress=...): each component's results as soon as they are decided, as the final report has them."""
import pytest

from grader.catalog import get_profile
from grader.engine import grade
from tests.submissions.bugs import BUGS, apply
from tests.helpers.paths import read_submission

pytestmark = pytest.mark.slow
PROFILE = get_profile('eecs498')


def snapshots(source, only):
    seen = []
    report = grade(source, PROFILE, only=only, progress=lambda checks, pending: seen.append((checks, pending)))
    return report, seen


def test_each_component_is_handed_over_when_decided_with_what_is_still_to_come():
    only = ['conv_forward', 'maxpool_forward', 'batchnorm_forward']
    report, seen = snapshots(read_submission('correct_vectorized'), only)
    assert [pending for _, pending in seen] == [['maxpool_forward', 'batchnorm_forward'], ['batchnorm_forward']]
    assert [{c.component for c in checks} for checks, _ in seen] == [{'conv_forward'},
                                                                    {'conv_forward', 'maxpool_forward'}]
    last = seen[-1][0]
    assert last == report.checks[:len(last)] and all(c.status == 'passed' for c in report.checks)


def test_a_snapshot_applies_the_charged_once_rule_as_the_report_does():
    bug = next(b for b in BUGS if b.id == 'kaiming_conv_fan_in_without_k')
    report, seen = snapshots(apply(bug), ['kaiming_initializer', 'deep_convnet', 'save_load'])
    for checks, _ in seen:
        assert checks == report.checks[:len(checks)]
    credited = [c for c in seen[-1][0] if c.component == 'deep_convnet' and 'not charged here' in c.message]
    assert credited                                   # the culprit came first: the credit is already there


def test_what_progress_raises_stops_the_grading():
    class Stop(Exception):
        pass

    def stop(checks, pending):
        raise Stop()
    with pytest.raises(Stop):
        grade(read_submission('correct_vectorized'), PROFILE, only=['conv_forward', 'maxpool_forward'],
              progress=stop)
