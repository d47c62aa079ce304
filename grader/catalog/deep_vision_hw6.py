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
)
