"""Course variants: each profile grades its own variant at 100%, and the profile matters."""
import pytest

from grader.catalog import get_profile
from grader.engine import grade
from tests.submissions import variants

pytestmark = pytest.mark.slow


def failing(report):
    return {c.id for c in report.checks if c.status != 'passed'}


def test_hw6_variant_scores_full_marks():
    report = grade(variants.hw6(), get_profile('deep-vision-hw6'), skip_slow=True)
    assert not report.submission_error
    assert failing(report) == set()
    assert report.score == report.max_score > 80


def test_sta9131_variant_scores_full_marks():
    report = grade(variants.sta9131(), get_profile('sta9131'), skip_slow=True)
    assert not report.submission_error
    assert failing(report) == set()


def test_eecs498_rules_under_sta9131_lose_the_regularised_and_running_var_checks():
    report = grade(variants.sta9131(course_rules=False), get_profile('sta9131'), skip_slow=True)
    assert not report.submission_error
    bad = failing(report)
    assert 'three_layer_convnet.initial_loss_reg0.5' in bad
    assert 'deep_convnet.grads_reg3.14' in bad
    assert 'batchnorm_forward.train' in bad          # running_var starts at ones there
    assert 'deep_convnet.grads_reg0' not in bad      # reg 0 is the same in both courses
    assert 'conv_forward.s1_p0' not in bad


def test_missing_course_module_is_reported_once_as_an_import_error():
    report = grade(variants.sta9131(), get_profile('eecs498'), only=['three_layer_convnet', 'deep_convnet'])
    assert "No module named 'a3_helpers'" in report.submission_error
    assert 'line 7' in report.submission_error
    assert {c.status for c in report.checks} == {'error'}
    assert all('could not be imported' in c.message for c in report.checks)


def test_sta9131_rules_under_eecs498_lose_the_regularised_checks():
    source = variants.sta9131().replace(b'from a3_helpers import', b'from a3_helper import')
    source = source.replace(b'from common import', b'from fully_connected_networks import')
    report = grade(source, get_profile('eecs498'), only=['three_layer_convnet', 'deep_convnet'])
    assert not report.submission_error
    bad = failing(report)
    assert 'three_layer_convnet.grads_reg0.5_nonsquare' in bad
    assert 'three_layer_convnet.grads_reg0' not in bad


def test_course_helper_and_plotting_imports_do_not_break_grading():
    report = grade(variants.with_course_imports(), get_profile('eecs498'),
                   only=['conv_forward', 'three_layer_convnet', 'kaiming_initializer'])
    assert not report.submission_error
    assert failing(report) == set()
    assert len(report.checks) == 14
