"""Every course edition's real skeleton imports are served: a correct file that starts with its import block
scores full marks under its profile, and grader.skeleton finds nothing to refuse in it."""
import pytest

from grader import skeleton
from grader.catalog import PROFILES
from grader.engine import grade
from tests.submissions import variants

pytestmark = pytest.mark.slow
EDITIONS = [(name, edition) for name, p in sorted(PROFILES.items()) for edition, _ in p.skeleton_imports]


def block(name, edition):
    return dict(PROFILES[name].skeleton_imports)[edition]


def test_every_profile_records_its_skeleton_imports():
    assert all(p.skeleton_imports for p in PROFILES.values())
    assert {'2020', 'WI2022', 'ITE4052'} <= dict(PROFILES['eecs498'].skeleton_imports).keys()
    assert 'from fully_connected_networks import sgd_momentum, rmsprop, adam' in block('sta9131', 'a3_helpers')


@pytest.mark.parametrize('name, edition', EDITIONS)
def test_the_skeleton_imports_are_servable(name, edition):
    assert skeleton.problems(skeleton.read(block(name, edition)).needs, PROFILES[name]) == []


@pytest.mark.parametrize('name, edition', EDITIONS)
def test_a_correct_file_with_the_real_imports_scores_full_marks(name, edition):
    source = variants.from_skeleton(name, block(name, edition))
    assert source.decode().count(block(name, edition)) == 1
    report = grade(source, PROFILES[name], skip_slow=True)
    assert not report.submission_error
    assert [c.id for c in report.checks if c.status != 'passed'] == []
    assert report.score == report.max_score > 80
