"""STA9131: L2 with the 0.5 factor, BN running_var starting at ones, its own thresholds."""
from ..spec import Profile
from .base import EECS498_THRESHOLDS, catalog

PROFILE = Profile(
    name='sta9131',
    title='STA9131 convolutional networks',
    **catalog(dict(EECS498_THRESHOLDS, maxpool_backward=1e-9, batchnorm_backward=1e-7,
                       bn_model_grad=1e-5)),
    reg_scale=0.5,
    bn_running_var_init='ones',
    shims=(('common', 'package'), ('a3_helpers.py', 'helper'), ('fully_connected_networks.py', 'helper')),
    # Linear, ReLU, Linear_ReLU are defined in the skeleton itself
    skeleton_imports=(
        ('a3_helpers', 'import torch\n\nfrom a3_helpers import softmax_loss\nfrom common import Solver\n'
                       'from fully_connected_networks import sgd_momentum, rmsprop, adam\n'),
        ('common.helpers', 'import torch\n\nfrom common.helpers import softmax_loss\nfrom common import Solver\n'
                           'from fully_connected_networks import sgd_momentum, rmsprop, adam\n'),
    ),
)
