"""docs/howto-grader.md's "How to add a check", step 4: the correct file passes a check added as it says."""
from grader.engine import grade
from tests.helpers.howto import CHECK_ID, profile_with_throwaway
from tests.helpers.paths import read_submission


def test_the_correct_file_passes_a_check_added_as_the_howto_says(monkeypatch):
    profile = profile_with_throwaway(monkeypatch)
    report = grade(read_submission('correct_vectorized'), profile, only=[CHECK_ID])
    assert [(c.id, c.status) for c in report.checks] == [(CHECK_ID, 'passed')], report.checks[0].message
    assert report.score == report.max_score > 0          # the component's points, split with the new check
