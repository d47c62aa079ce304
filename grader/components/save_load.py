"""save/load: a round trip of parameters, running statistics and test-mode scores (no loss(X, y))."""
from ..spec import Component, Output
from .deep_convnet import BN_INIT
from .recipes import R

SAVE_LOAD = Component('save_load', 'save/load', points=2, procedure='save_load')
COMPONENTS = (SAVE_LOAD,)


def checks(t):
    return [
        SAVE_LOAD.check(
            'three_layer_convnet',
            params={'cls': 'ThreeLayerConvNet', 'init': {'input_dims': (3, 8, 8), 'num_filters': 4,
                                                         'filter_size': 3, 'hidden_dim': 10}},
            inputs={'X': R((4, 3, 8, 8))},
            outputs=(Output('scores_loaded', 'rel_error', 1e-12), Output('params_loaded', 'meta')),
            depends_on=('three_layer_convnet',),
            description='save(path) then load(path) gives the same scores (loss(X) only)'),
        SAVE_LOAD.check(
            'deep_convnet_batchnorm',
            params={'cls': 'DeepConvNet', 'init': dict(BN_INIT, num_filters=[4, 4], max_pools=[0]),
                    'load_dtype': 'float32'},
            inputs={'X': R((4, 3, 8, 8))},
            outputs=(Output('scores_loaded', 'rel_error', 1e-5, check_dtype=False),
                     Output('params_loaded', 'meta')),
            depends_on=('deep_convnet', 'deep_convnet_batchnorm', 'spatial_batchnorm_forward'),
            description='save a float64 model, load(path, torch.float32, device): params and '
                        'running stats cast, same test-mode scores'),
    ]
