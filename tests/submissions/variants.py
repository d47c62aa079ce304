"""Course variants of the correct submission, made by textual edits (test data)."""
import os

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
