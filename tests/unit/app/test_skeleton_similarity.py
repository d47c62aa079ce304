"""The similarity report leaves out a stored skeleton's boilerplate, even where the class is too small to show it."""
from types import SimpleNamespace

from app.reports.similarity import rank, skeleton_code
from grader.skeleton import boilerplate
from tests.unit.app.similarity_class import SKELETON, student

HANDOUT = SKELETON.replace('{BODY}', '# TODO: your code\n        pass\n        # END OF YOUR CODE')


def test_two_files_that_share_only_the_skeleton_are_no_pair_once_it_is_stored():
    alone, _ = rank({'s1': student(1), 's2': student(2)}, min_score=0.0)
    assert alone[0][2:] == ('s1', 's2') and alone[0][0] > 0.15                   # the class is too small
    assignment = SimpleNamespace(skeleton=HANDOUT, skeleton_boilerplate=[list(s) for s in boilerplate(HANDOUT)])
    given = skeleton_code(assignment)
    assert given
    pairs, common = rank({'s1': student(1), 's2': student(2)}, min_score=0.0, given=given)
    assert common == given and next((p[0] for p in pairs if p[2:] == ('s1', 's2')), 0.0) < 0.05


def test_no_skeleton_leaves_nothing_out():
    assert skeleton_code(SimpleNamespace(skeleton=None, skeleton_boilerplate=None)) == frozenset()
