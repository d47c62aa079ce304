"""DeepConvNet without and with batchnorm: init, loss and gradients over depths and pools, test mode."""
from ..spec import Component, Output
from .recipes import R, deep_names, grad_outputs, labels, model_outputs

DEEP_CONVNET = Component('deep_convnet', 'DeepConvNet', points=10, procedure='model')
DEEP_CONVNET_BATCHNORM = Component('deep_convnet_batchnorm', 'DeepConvNet with batchnorm', points=7,
                                   procedure='model')
COMPONENTS = (DEEP_CONVNET, DEEP_CONVNET_BATCHNORM)

# The batchnorm net of the gradient checks (save_load builds smaller ones from it).
BN_INIT = {'num_filters': [8, 8, 8], 'max_pools': [0, 2], 'weight_scale': 5e-2,
           'input_dims': (3, 8, 8), 'batchnorm': True}


def _plain(t):
    scores, loss = model_outputs(t)
    deep = [
        ('init', {'num_filters': [8, 16], 'max_pools': [0, 1], 'weight_scale': 1e-2,
                  'input_dims': (3, 16, 16)}, None, ['init'], None, 'parameter count, shapes and std'),
        ('grads_reg0', {'num_filters': [8, 8, 8], 'max_pools': [0, 2], 'weight_scale': 5e-2,
                        'input_dims': (3, 8, 8)}, 0.0, ['scores', 'loss'], (4, 3, 8, 8),
         'loss and gradients, [8,8,8], pools [0,2], reg 0'),
        ('grads_reg3.14', {'num_filters': [8, 8, 8], 'max_pools': [0, 2], 'weight_scale': 5e-2,
                           'input_dims': (3, 8, 8)}, 3.14, ['perturb', 'scores', 'loss'], (4, 3, 8, 8),
         'loss and gradients, [8,8,8], pools [0,2], reg 3.14'),
        ('grads_nopool_nonsquare', {'num_filters': [4, 6], 'max_pools': [], 'weight_scale': 5e-2,
                                    'input_dims': (3, 6, 10), 'num_classes': 5}, 0.7,
         ['perturb', 'scores', 'loss'], (3, 3, 6, 10), 'no pooling, 6x10 input, 5 classes, reg 0.7'),
        ('grads_pool_last', {'num_filters': [5, 3, 4], 'max_pools': [2], 'weight_scale': 5e-2,
                             'input_dims': (2, 8, 8)}, 0.2, ['perturb', 'scores', 'loss'], (3, 2, 8, 8),
         'pool on the last macro layer only, reg 0.2'),
        ('kaiming_init', {'num_filters': [16, 32], 'max_pools': [0], 'weight_scale': 'kaiming',
                          'input_dims': (3, 16, 16)}, None, ['init'], None,
         "weight_scale 'kaiming': std sqrt(2 / fan_in) for conv weights"),
        ('initial_loss_reg1', {'num_filters': [8, 64], 'max_pools': [0, 1]}, 1.0, ['loss'],
         (10, 3, 32, 32), 'notebook model [8,64], reg 1.0: loss about 2.348'),
    ]
    out = []
    for name, init, reg, phases, xshape, text in deep:
        n_conv = len(init['num_filters'])
        outs = (Output('init', 'meta'),) if 'init' in phases else ()
        if 'scores' in phases:
            outs += (scores,)
        if 'loss' in phases:
            outs += (loss,)
            if name != 'initial_loss_reg1':
                outs += grad_outputs(deep_names(n_conv, False), (), t['model_grad'], 0)
        inputs = {}
        if xshape:
            inputs = {'X': R(xshape), 'y': labels(xshape[0], init.get('num_classes', 10))}
        out.append(DEEP_CONVNET.check(
            name, params={'cls': 'DeepConvNet', 'phases': phases, 'reg': reg, 'init': init},
            inputs=inputs, outputs=outs, description=text, timeout_s=20.0,
            depends_on=('kaiming_initializer',) if init.get('weight_scale') == 'kaiming' else ()))
    return out


def _batchnorm(t):
    scores, loss = model_outputs(t)
    bn_grads = grad_outputs(deep_names(3, True), ('b1', 'b2', 'b3'), t['bn_model_grad'], t['bn_conv_bias_abs'])
    bn_deps = ('deep_convnet', 'spatial_batchnorm_forward', 'spatial_batchnorm_backward')
    out = []
    for name, reg in (('grads_reg0', 0.0), ('grads_reg3.14', 3.14)):
        out.append(DEEP_CONVNET_BATCHNORM.check(
            name, params={'cls': 'DeepConvNet', 'phases': ['perturb', 'loss'], 'reg': reg, 'init': BN_INIT},
            inputs={'X': R((2, 3, 8, 8)), 'y': labels(2)}, depends_on=bn_deps,
            outputs=(loss,) + bn_grads,
            description='batchnorm, [8,8,8], pools [0,2], reg %g; conv biases by absolute error' % reg))
    running = tuple(Output('bn%d.%s' % (i, s), 'rel_error', t['model_scores'])
                    for i in range(3) for s in ('running_mean', 'running_var'))
    out += [
        DEEP_CONVNET_BATCHNORM.check(
            'init', params={'cls': 'DeepConvNet', 'phases': ['init'], 'reg': None, 'init': BN_INIT},
            outputs=(Output('init', 'meta'),), depends_on=('deep_convnet',),
            description='gamma ones, beta zeros, one bn_param per macro layer'),
        DEEP_CONVNET_BATCHNORM.check(
            'test_mode_after_training',
            params={'cls': 'DeepConvNet', 'phases': ['train3', 'scores'], 'reg': 0.0,
                    'init': dict(BN_INIT, num_filters=[6, 4], max_pools=[1])},
            inputs={'X': R((6, 3, 8, 8)), 'y': labels(6), 'X_test': R((5, 3, 8, 8))},
            depends_on=bn_deps, outputs=(scores,) + running[:4],
            description='scores in test mode after 3 training steps use the running statistics'),
    ]
    return out


def checks(t):
    return _plain(t) + _batchnorm(t)
