"""A correct DeepConvNet scores full marks whatever it names its parameters (issue 14, part 3): before,
g1/be1 lost every batchnorm check and the solver check, and opaque p0.. names lost all of them."""
import pytest

from grader.catalog import get_profile
from grader.engine import grade
from tests.submissions import variants

pytestmark = pytest.mark.slow
COMPONENTS = ['deep_convnet', 'deep_convnet_batchnorm', 'save_load']


def assert_full_marks(report):
    assert not report.submission_error
    failed = [c for c in report.checks if c.status != 'passed']
    assert failed == [], report.table() + '\n'.join(c.output[-500:] for c in failed)
    assert report.score == report.max_score


def test_opaque_names_in_the_skeletons_order_score_full_marks_with_training():
    report = grade(variants.deep_param_names('opaque'), get_profile('eecs498'),
                   only=COMPONENTS + ['overfit', 'solver'])
    assert {'overfit.deep_convnet_50_images', 'solver.synthetic_cifar'} <= {c.id for c in report.checks}
    assert_full_marks(report)


def test_g_and_be_names_score_full_marks():
    report = grade(variants.deep_param_names('short'), get_profile('eecs498'), only=COMPONENTS)
    assert len(report.checks) == 13
    assert_full_marks(report)
