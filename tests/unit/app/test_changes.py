"""What changed since the last upload (app/reports/changes.py): which statuses count as failing and passing, the
score change, the bound on the lists."""
from types import SimpleNamespace

from app.reports.changes import LISTED, compare


def graded(sub_id, score, statuses):
    checks = [SimpleNamespace(check_id=k, status=v) for k, v in statuses.items()]
    return SimpleNamespace(id=sub_id, score=score, checks=checks)


def test_failing_and_passing_both_ways():
    before = graded(1, 50.0, {'a': 'failed', 'b': 'timeout', 'c': 'passed', 'd': 'error', 'e': 'advisory',
                              'f': 'skipped', 'g': 'passed'})
    now = graded(2, 61.25, {'a': 'passed', 'b': 'passed', 'c': 'error', 'd': 'timeout', 'e': 'passed',
                            'f': 'passed', 'g': 'passed', 'new': 'failed'})
    changes = compare(now, before)
    assert (changes.previous_id, changes.previous_score, changes.score_delta) == (1, 50.0, 11.25)
    assert changes.fixed == ['a', 'b'] and changes.broken == ['c'] and not changes.hidden


def test_hidden_details_give_the_score_change_only():
    changes = compare(graded(2, 40.0, {'a': 'passed'}), graded(1, 50.0, {'a': 'failed'}), hidden=True)
    assert (changes.score_delta, changes.fixed, changes.broken, changes.hidden) == (-10.0, [], [], True)


def test_no_score_no_change_and_lists_bounded():
    many = {'c%d' % i: 'failed' for i in range(LISTED + 20)}
    changes = compare(graded(2, 10.0, {k: 'passed' for k in many}), graded(1, None, many))
    assert changes.score_delta is None and len(changes.fixed) == LISTED
