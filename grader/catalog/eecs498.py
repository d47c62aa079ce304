"""EECS 498-007/598-005 (Fall 2020, Winter 2022; also ITE4052's a4_helper copy)."""
from ..spec import Profile
from .base import EECS498_THRESHOLDS, catalog

PROFILE = Profile(
    name='eecs498',
    title='EECS 498-007/598-005 A3-2 (2020, WI2022)',
    **catalog(EECS498_THRESHOLDS),
    reg_scale=1.0,
    bn_running_var_init='zeros',
    shims=(('fully_connected_networks.py', 'bundle'), ('a3_helper.py', 'helper'),
           ('a4_helper.py', 'helper'), ('eecs598', 'package')),
    skeleton_imports=(
        ('2020', 'import torch\nimport random\nfrom eecs598 import Solver\n'
                 'from a3_helper import svm_loss, softmax_loss\nfrom fully_connected_networks import *\n'),
        ('WI2022', 'import torch\nimport random\nfrom a3_helper import softmax_loss\n'
                   'from fully_connected_networks import Linear_ReLU, Linear, Solver, adam, ReLU\n'),
        ('ITE4052', 'import torch\nimport random\nfrom a4_helper import softmax_loss\n'
                    'from fully_connected_networks import Linear_ReLU, Linear, Solver, adam, ReLU\n'),
    ),
)
