"""Fair verdicts through the real sandbox: what the skeleton documents is all that is judged, and one bug
costs points in one component (the hints still name it)."""
import pytest

from grader.catalog import get_profile
from grader.engine import grade
from tests.submissions.bugs import BUGS, apply, base_source
from tests.submissions.contract import (asserting_preconditions, bn_forward_centres_x_in_place,
                                        bn_forward_keeps_no_running_stats)

pytestmark = pytest.mark.slow
PROFILE = get_profile('eecs498')
LAYERS = ['conv_forward', 'conv_backward', 'maxpool_forward', 'maxpool_backward']


def lost(report):
    out = {}
    for c in report.checks:
        out[c.component] = out.get(c.component, 0.0) + c.max_score - c.score
    return {k: v for k, v in out.items() if v > 1e-9}


def test_a_file_asserting_the_documented_precondition_keeps_every_point():
    report = grade(asserting_preconditions(), PROFILE, only=LAYERS)
    assert report.score == report.max_score == 30
    notes = [c for c in report.checks if c.status == 'advisory']
    assert {c.id for c in notes} == {c.id for c in PROFILE.checks if c.advisory}
    for c in notes:
        assert c.score == c.max_score == 0
        assert "advisory, 0 points: outside the assignment's contract (" in c.message
        assert 'does not tile' in c.message and 'AssertionError' in c.message
    # the file without its assertions passes the same configurations outright
    plain = grade(base_source('correct_vectorized').encode(), PROFILE, only=LAYERS)
    assert all(c.status == 'passed' for c in plain.checks) and plain.score == 30


def test_a_wrong_kaiming_initializer_is_charged_once():
    bug = next(b for b in BUGS if b.id == 'kaiming_conv_fan_in_without_k')
    report = grade(apply(bug), PROFILE, only=['kaiming_initializer', 'deep_convnet', 'deep_convnet_batchnorm',
                                             'save_load'])
    assert set(lost(report)) == {'kaiming_initializer'}
    assert report.max_score - report.score == pytest.approx(lost(report)['kaiming_initializer'])
    down = next(c for c in report.checks if c.id == 'deep_convnet.kaiming_init')
    assert down.status == 'failed' and down.score == down.max_score
    assert 'not charged here while kaiming_initializer fails its own checks' in down.message


def test_a_forward_that_keeps_no_running_stats_costs_the_forward_only():
    report = grade(bn_forward_keeps_no_running_stats(), PROFILE,
                   only=['batchnorm_forward', 'batchnorm_backward', 'batchnorm_backward_alt',
                         'spatial_batchnorm_forward', 'spatial_batchnorm_backward', 'deep_convnet_batchnorm'])
    assert set(lost(report)) == {'batchnorm_forward'}
    status = {c.id: c.status for c in report.checks}
    assert all(status[c] == 'passed' for c in status if '_backward' in c)      # judged on dx, dgamma, dbeta
    spatial = next(c for c in report.checks if c.id == 'spatial_batchnorm_forward.train')
    assert spatial.status != 'passed' and 'BatchNorm.forward' in spatial.message and 'fix it first' in spatial.message


def test_changing_x_in_place_where_the_skeleton_allows_it_is_a_note():
    report = grade(bn_forward_centres_x_in_place(), PROFILE, only=['batchnorm_forward'])
    assert report.score == report.max_score == 8
    train = next(c for c in report.checks if c.id == 'batchnorm_forward.train')
    assert train.status == 'passed'
    assert 'note (not scored, the skeleton does not ask it): x was changed in place' in train.message
