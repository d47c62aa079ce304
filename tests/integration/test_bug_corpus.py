"""The bug corpus (tests/submissions/bugs.py): every one-bug submission is caught by the
component the bug belongs to, and by no component whose checks do not run the buggy code; a check of another
component that fails says which piece to fix first (and is not charged, up to what that piece lost)."""
from collections import Counter

import pytest

from grader.catalog import get_profile
from grader.components import COMPONENTS
from grader.engine import grade
from tests.submissions.bugs import BASES, BUGS, apply

pytestmark = pytest.mark.slow
PROFILE = get_profile('eecs498')
SLOW_COMPONENTS = ('overfit', 'solver')


def allowed(bug):
    """bug.component, bug.also and every component whose checks depend on them, transitively."""
    components = {bug.component, *bug.also}
    grew = True
    while grew:
        grew = False
        for spec in PROFILE.checks:
            if spec.component not in components and components.intersection(spec.depends_on):
                components.add(spec.component)
                grew = True
    return components


def grade_bug(bug):
    if bug.component in SLOW_COMPONENTS:
        return grade(apply(bug), PROFILE, only=[bug.component])
    return grade(apply(bug), PROFILE, skip_slow=True)


def describe(checks):
    return '\n'.join('  %s [%s] %s: %s' % (c.id, c.component, c.status, c.message) for c in checks)


def assert_caught(bug, report):
    assert not report.submission_error, report.submission_error
    not_passed = [c for c in report.checks if c.status != 'passed']
    own = [c for c in not_passed if c.component == bug.component]
    assert own, '%s is not caught by %s; non-passed checks:\n%s' % (bug.id, bug.component, describe(not_passed))
    ok = allowed(bug)
    stray = [c for c in not_passed if c.component not in ok]
    assert not stray, '%s fails checks of components that do not run it (allowed: %s):\n%s' % (
        bug.id, ', '.join(sorted(ok)), describe(stray))
    # charged once: a check of another component that fails names the culprit, which lost points itself
    downstream = [c for c in not_passed if c.component not in (bug.component,) + bug.also]
    unnamed = [c for c in downstream if 'fix it first' not in c.message]
    assert not unnamed, '%s: failing checks without the hint:\n%s' % (bug.id, describe(unnamed))
    own_lost = sum(c.max_score - c.score for c in report.checks if c.component == bug.component)
    credited = [c for c in downstream if 'not charged here' in c.message]
    assert own_lost > 0 or not credited


@pytest.mark.parametrize('bug', BUGS, ids=[b.id for b in BUGS])
def test_bug_is_caught_by_its_component_only(bug):
    assert_caught(bug, grade_bug(bug))


@pytest.mark.parametrize('bug', BUGS, ids=[b.id for b in BUGS])
def test_patch_applies_exactly(bug):
    assert bug.base in BASES
    source = apply(bug).decode('utf-8')        # asserts the occurrence count
    compile(source, '%s/convolutional_networks.py' % bug.id, 'exec')


def test_corpus_size_and_unique_ids():
    assert len(BUGS) >= 30
    counts = Counter(b.id for b in BUGS)
    assert not [i for i, n in counts.items() if n > 1], counts.most_common(3)
    assert sum(b.base == 'correct_naive' for b in BUGS) >= 6


def test_components_are_valid_and_covered():
    for bug in BUGS:
        assert bug.component in COMPONENTS, bug.id
        assert all(c in COMPONENTS and c != bug.component for c in bug.also), bug.id
    assert len({b.component for b in BUGS}) >= 14
