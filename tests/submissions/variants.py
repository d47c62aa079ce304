"""Course variants of the correct submission, made by textual edits (test data)."""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def _replace(text, old, new, count):
    assert text.count(old) == count, (old, text.count(old))
    return text.replace(old, new)


def _base():
    with open(os.path.join(HERE, 'correct_vectorized', 'convolutional_networks.py')) as f:
        return f.read()


def hw6():
    """Deep Vision HW6: fc_networks, helper and the utils package."""
    text = _base()
    text = _replace(text, 'from a3_helper import softmax_loss',
                    'from helper import softmax_loss\nfrom utils import reset_seed\nimport utils', 1)
    return _replace(text, 'from fully_connected_networks import', 'from fc_networks import', 1).encode()


def sta9131(course_rules=True):
    """STA9131: the real skeleton's imports (its optimizers from fully_connected_networks, Solver from the
    common package) with Linear/ReLU defined in the file; course_rules: 0.5 * reg, running_var ones."""
    text = _base()
    with open(os.path.join(ROOT, 'reference', 'fc_layers.py')) as f:
        fc = f.read().split('import torch\n', 1)[1]
    text = _replace(text, 'from a3_helper import softmax_loss', 'from a3_helpers import softmax_loss', 1)
    text = _replace(text, 'from fully_connected_networks import Linear_ReLU, Linear, Solver, adam, ReLU',
                    'from fully_connected_networks import sgd_momentum, rmsprop, adam\nfrom common import Solver\n'
                    + fc, 1)
    if not course_rules:
        return text.encode()
    text = _replace(text, 'loss += self.reg * torch.sum(', 'loss += 0.5 * self.reg * torch.sum(', 2)
    text = _replace(text, '2 * self.reg * self.params', 'self.reg * self.params', 3)
    text = _replace(text, "bn_param.get('running_var',\n                         torch.zeros(",
                    "bn_param.get('running_var',\n                         torch.ones(", 1)
    return text.encode()


def with_course_imports():
    """The eecs498 file importing the course helpers and plotting/vision packages at module level."""
    header = ('import matplotlib.pyplot as plt\nimport torchvision\nfrom torchvision import transforms\n'
              'import cv2\nimport eecs598\nfrom eecs598 import Solver as CourseSolver\n'
              'from eecs598.grad import rel_error, compute_numeric_gradient\nfrom a4_helper import svm_loss\n'
              'eecs598.reset_seed(0)\nplt.rcParams["figure.figsize"] = (10.0, 8.0)\n')
    return (header + _base()).encode()


IMPORT_LINE = re.compile(r'^(import \S|from \S+ import )')


def with_imports(text, block):
    """The file with its own module-level import lines (those before its first def or class) replaced by
    block, placed where the first of them was."""
    lines = text.splitlines(keepends=True)
    first_def = next(i for i, line in enumerate(lines) if line.startswith(('def ', 'class ')))
    own = [i for i in range(first_def) if IMPORT_LINE.match(lines[i])]
    assert own, 'no import lines before the first def'
    kept = [line for i, line in enumerate(lines) if i not in own]
    return ''.join(kept[:own[0]]) + block + ''.join(kept[own[0]:])


def from_skeleton(profile_name, block):
    """The correct file of a profile's course (its rules, its in-file layers) starting with a real skeleton's
    import block instead of its own imports."""
    text = sta9131().decode() if profile_name == 'sta9131' else _base()
    return with_imports(text, block).encode()


def deep_param_names(style='short'):
    """DeepConvNet with other parameter names: 'short' g1/be1 for gamma1/beta1; 'opaque' p0, p1, ... in the
    skeleton's order (W, b, gamma, beta per layer, then the final W, b)."""
    import re
    slot = {'W': 0, 'b': 1, 'gamma': 2, 'beta': 3}
    short = {'W': 'W%d', 'b': 'b%d', 'gamma': 'g%d', 'beta': 'be%d'}

    def rename(m):
        kind, var = m.group(1), m.group(2)
        if style == 'opaque':
            return "'p%%d' %% (4 * %s - %d)" % (var, 4 - slot[kind])
        return "'%s' %% %s" % (short[kind], var)
    text, n = re.subn(r"'(W|b|gamma|beta)%d' % (idx|L)\b", rename, _base())
    assert n == 23, n
    return text.encode()
