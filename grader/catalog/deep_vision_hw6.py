""""Deep Vision" HW6: renamed helper modules, MaxPool backward threshold 1e-9."""
from ..spec import Profile
from .base import EECS498_THRESHOLDS, catalog

PROFILE = Profile(
    name='deep-vision-hw6',
    title='Deep Vision HW6 (convolutional networks)',
    **catalog(dict(EECS498_THRESHOLDS, maxpool_backward=1e-9)),
    reg_scale=1.0,
    bn_running_var_init='zeros',
    shims=(('fc_networks.py', 'bundle'), ('helper.py', 'helper'), ('utils', 'package')),
    # as the fact sheet (§5) describes it: the handout itself was not found in public copies
    skeleton_imports=(
        ('HW6', 'import torch\nimport random\nfrom helper import softmax_loss\n'
                'from fc_networks import Linear_ReLU, Linear, ReLU, adam\nfrom utils import Solver\n'
                'from utils.general import reset_seed\n'),
    ),
)
