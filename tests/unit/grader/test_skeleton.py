"""grader.skeleton: a skeleton's imports read with ast only, what a profile cannot serve, the boilerplate."""
import time

import pytest

from grader import skeleton
from grader.catalog import PROFILES

EECS, STA = PROFILES['eecs498'], PROFILES['sta9131']


def problems(source, profile=EECS):
    return [str(p) for p in skeleton.problems(skeleton.read(source).needs, profile)]


def test_a_servable_skeleton_has_no_problems():
    source = ('import torch\nimport torch.nn.functional as F\nimport random, math\nimport os.path\n'
              'import matplotlib.pyplot as plt\nimport numpy\nfrom eecs598 import Solver, reset_seed, grad\n'
              'from eecs598.grad import rel_error\nimport eecs598.utils\nfrom a3_helper import svm_loss\n'
              'from fully_connected_networks import *\nfrom __future__ import annotations\n')
    assert problems(source) == []
    assert skeleton.check(source, EECS).needs[0] == skeleton.Need('torch', (), 1)


def test_an_unservable_module_is_named_with_its_line():
    found = problems('import torch\nfrom a3_helper import softmax_loss\n', STA)
    assert found == ['line 2: module a3_helper: no such module in the sandbox (not one the profile serves, '
                     'not in the standard library, not installed)']


def test_an_unservable_name_is_checked_against_the_shim_source():
    assert problems('from fully_connected_networks import sgd_momentum, rmsprop, adam, Dropout\n', STA) == [
        "line 1: fully_connected_networks.Dropout: the grader's fully_connected_networks does not define Dropout"]
    assert problems('from common.helpers import softmax_loss\nfrom common import Solver, nope\n', STA) == [
        "line 2: common.nope: the grader's common does not define nope"]


def test_submodules_of_shims():
    assert problems('import eecs598.nothing\n')[0].startswith(
        "line 1: module eecs598.nothing: the grader's package eecs598 has no such submodule (it has data, ")
    assert problems('from a3_helper.inner import x\n') == [
        "line 1: module a3_helper.inner: the grader's a3_helper is a module, not a package"]


def test_a_star_import_needs_only_the_module():
    assert problems('from fully_connected_networks import *\n') == []
    assert problems('from fc_networks import *\n') == [
        'line 1: module fc_networks: no such module in the sandbox (not one the profile serves, not in the '
        'standard library, not installed)']


def test_a_relative_import_is_refused():
    assert problems('from . import helpers\nfrom ..pkg import x\n') == [
        'line 1: from . import: a relative import: the graded file is not in a package',
        'line 2: from ..pkg import: a relative import: the graded file is not in a package']


def test_imports_inside_functions_count_and_guarded_ones_do_not():
    source = ('def f():\n    from missing_one import x\n'
              'try:\n    import missing_two\nexcept ImportError:\n    missing_two = None\n'
              'try:\n    import missing_three\nexcept (ValueError, ModuleNotFoundError):\n    pass\n'
              'try:\n    import missing_four\nexcept ValueError:\n    pass\n')
    assert [p.split(':')[1].strip() for p in problems(source)] == ['module missing_one', 'module missing_four']


def test_refusal_lists_each_problem_and_what_the_profile_serves():
    with pytest.raises(skeleton.SkeletonError) as exc:
        skeleton.check('import torch\nfrom a3_helper import softmax_loss\n'
                       'from fully_connected_networks import adamw\n', STA)
    assert str(exc.value) == (
        'profile sta9131 cannot serve what this skeleton imports: line 2: module a3_helper: no such module in the '
        'sandbox (not one the profile serves, not in the standard library, not installed); line 3: '
        "fully_connected_networks.adamw: the grader's fully_connected_networks does not define adamw. "
        'The profile serves a3_helpers, common, fully_connected_networks.')


def test_many_problems_are_cut_and_hostile_names_escaped_and_cut():
    source = ''.join('import missing_%d\n' % i for i in range(30)) + 'import ' + 'x' * 5000 + '\n'
    with pytest.raises(skeleton.SkeletonError) as exc:
        skeleton.check(source, EECS)
    assert '(and 11 more)' in str(exc.value) and len(str(exc.value)) < 4000
    found = problems('from fully_connected_networks import ' + 'é' * 500 + '\n')
    assert len(found[0]) < 300


def test_a_syntax_error_is_a_clear_error():
    with pytest.raises(skeleton.SkeletonError, match=r'^the skeleton is not valid Python: line 2: '):
        skeleton.read('import torch\ndef f(:\n')
    with pytest.raises(skeleton.SkeletonError, match='not valid Python'):
        skeleton.read('import torch\x00\n')
    with pytest.raises(skeleton.SkeletonError, match=r'not UTF-8 text \(byte 7\)'):
        skeleton.read(b'import \xff\n')


def test_an_oversized_skeleton_is_refused_before_it_is_parsed():
    with pytest.raises(skeleton.SkeletonError, match='larger than 262144 bytes'):
        skeleton.read(b'#' * (skeleton.MAX_BYTES + 1))
    assert skeleton.read(b'# ' + b'x' * (skeleton.MAX_BYTES - 3) + b'\n').needs == ()


@pytest.mark.parametrize('source', [
    'x = ' + '(' * 5000 + '1' + ')' * 5000,
    'x = ' + '-' * 200_000 + '1',
    'x = ' + 'not ' * 60_000 + 'y',
    'x = a' + '.b' * 100_000,
    'f' + '()' * 100_000,
    'x = ' + '+'.join(['1'] * 100_000),
    'x = ' + '[' * 150 + ']' * 150,
])
def test_deeply_nested_or_huge_input_is_bounded(source):
    start = time.monotonic()
    try:
        skeleton.check(source, EECS)
    except skeleton.SkeletonError as exc:
        assert 'not valid Python' in str(exc)
    assert time.monotonic() - start < 2


def test_too_many_imports_are_refused():
    with pytest.raises(skeleton.SkeletonError, match='imports more than 1000 modules and names'):
        skeleton.read('import os\n' * 1001)
    with pytest.raises(skeleton.SkeletonError, match='imports more than 1000 modules and names'):
        skeleton.read('from os import ' + ', '.join('n%d' % i for i in range(1000)) + '\n')
    assert len(skeleton.read('import os\n' * 1000).needs) == 1000


SKELETON = '''"""Docstring."""
import torch


class Conv(object):

    @staticmethod
    def forward(x):
        """Doc."""
        out = None
        ##########
        # TODO: Implement it.  #
        ##########
        # Replace "pass" statement with your code
        pass
        ##########
        #     END OF YOUR CODE     #
        ##########
        return out
# TODO: a stray note with no end
def hello():
    print('Hello')
'''


def test_the_boilerplate_is_the_code_outside_the_todo_blocks():
    assert skeleton.read(SKELETON).boilerplate == ((1, 10), (19, 22))
    assert skeleton.boilerplate('x = 1\n# TODO\ny = 2\n# end of your code\nz = 3\n') == ((1, 1), (5, 5))
    assert skeleton.boilerplate('') == ()


def test_shim_names_come_from_parsing_the_shim_sources():
    modules = skeleton.served(STA.shims)
    assert {'sgd_momentum', 'rmsprop', 'adam', 'Solver', 'softmax_loss'} <= modules['fully_connected_networks']
    assert {'Solver', 'reset_seed', 'softmax_loss', 'grad'} <= modules['common']
    assert {'softmax_loss', 'Solver', 'reset_seed'} <= modules['common.helpers']
    assert 'Conv' not in modules['fully_connected_networks']      # the graded assignment is never a shim


def test_the_skeleton_is_never_run(tmp_path):
    marker = tmp_path / 'ran'
    source = 'open(%r, "w").write("x")\nimport torch\nraise SystemExit(3)\n' % str(marker)
    assert skeleton.check(source, EECS).needs == (skeleton.Need('torch', (), 2),)
    assert not marker.exists()
