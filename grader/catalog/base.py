"""The check catalog shared by every profile, built from a profile's thresholds.

Each entry is data: an id, the component it grades, the procedure the runner executes,
the input recipe (shapes, seed, parameters) and the outputs compared with their metric
and threshold. Thresholds are the course's, relaxed only where correct code misses them.
"""
import math

from ..spec import COMPONENTS, CheckSpec, Output, Tensor

# The course's thresholds (assignment_api.md §2.1), with §7's two relaxations.
EECS498_THRESHOLDS = {
    'conv_forward': 1e-7,         # notebook: "< 1e-7"
    'conv_backward': 1e-8,        # notebook: "< 1e-8"
    'maxpool_forward': 1e-7,      # notebook: "< 1e-7"
    'maxpool_backward': 1e-8,     # notebook says 1e-10; correct code prints up to 6.7e-10
    'batchnorm_forward': 1e-7,    # notebook compares means/stds only; same bar as conv forward
    'batchnorm_backward': 1e-7,   # notebook says 1e-9; correct dx prints 9.9e-9
    'batchnorm_backward_alt': 1e-7,
    'spatial_batchnorm_forward': 1e-7,
    'spatial_batchnorm_backward': 1e-6,   # notebook: "< 1e-6"
    'model_scores': 1e-7,         # initial losses agree to the printed digits
    'model_grad': 1e-5,           # notebook: "< 1e-5"
    'bn_model_grad': 1e-6,        # notebook: weights and gamma/beta "< 1e-6"
    'bn_conv_bias_abs': 1e-6,     # true gradient is 0: absolute error, not rel_error
    'overfit_accuracy': 1.0,      # notebook: 100 % training accuracy
    'solver_accuracy': 0.6,       # synthetic CIFAR-shaped data
    'cifar_val_accuracy': 0.71,   # notebook: >= 71 % validation accuracy after train(time_limit=60)
    'cifar_test_accuracy': 0.70,  # notebook: >= 70 % test accuracy
}
CIFAR_TIME_LIMIT_S = 60.0         # notebook: solver.train(time_limit=60)

# Points per component (sum 100); split evenly among the component's checks.
POINTS = {
    'conv_forward': 8, 'conv_backward': 10, 'maxpool_forward': 5, 'maxpool_backward': 7,
    'batchnorm_forward': 8, 'batchnorm_backward': 8, 'batchnorm_backward_alt': 4,
    'spatial_batchnorm_forward': 5, 'spatial_batchnorm_backward': 5, 'kaiming_initializer': 5,
    'three_layer_convnet': 8, 'deep_convnet': 10, 'deep_convnet_batchnorm': 7, 'save_load': 2,
    'overfit': 4, 'solver': 4,
}

R = Tensor  # randn recipe


def _lin(shape, low, high):
    return Tensor(shape, kind='linspace', low=low, high=high)


def _labels(n, classes=10):
    return Tensor((n,), kind='randint', high=classes)


def _untiled(sizes, windows, stride, pad, layer):
    """Why a configuration is outside the skeleton's contract, or '': the skeleton documents
    H' = 1 + (H + 2 * pad - HH) / stride (MaxPool: 1 + (H - pool_height) / stride), windows that tile."""
    for axis, size, window in zip('HW', sizes, windows):
        span = size + 2 * pad - window
        if span % stride:
            padded = ' + 2 * pad' if layer == 'Conv' else ''
            kernel = 'HH' if layer == 'Conv' else 'pool_height'
            if axis == 'W':
                kernel = 'WW' if layer == 'Conv' else 'pool_width'
            return ("%s documents %s' = 1 + (%s%s - %s) / stride, which is 1 + %d / %d here: the window does not "
                    "tile; the reference follows torch's floor convention (%s' = %d)"
                    % (layer, axis, axis, padded, kernel, span, stride, axis, 1 + span // stride))
    return ''


def _conv_checks(t):
    nb_fwd = {'x': _lin((2, 3, 4, 4), -0.1, 0.5), 'w': _lin((3, 3, 4, 4), -0.2, 0.3),
              'b': _lin((3,), -0.1, 0.2), 'dout': R((2, 3, 2, 2))}
    configs = [
        ('s1_p1_notebook', (4, 3, 5, 5), (2, 3, 3, 3), 1, 1, 'stride 1, pad 1 (notebook)'),
        ('s1_p0', (2, 3, 6, 6), (4, 3, 3, 3), 1, 0, 'stride 1, pad 0'),
        ('s2_p2_nonsquare', (2, 3, 7, 9), (3, 3, 3, 3), 2, 2, 'stride 2, pad 2, 7x9 input'),
        ('s3_p1_kernel3x2', (3, 2, 10, 9), (4, 2, 3, 2), 3, 1, 'stride 3, pad 1, 3x2 kernel, 10x9 input'),
        ('s2_p0_uneven', (2, 3, 8, 8), (2, 3, 3, 3), 2, 0, 'stride 2, pad 0, window does not tile'),
        ('s2_p1_large', (4, 3, 31, 31), (8, 3, 3, 3), 2, 1, 'stride 2, pad 1, 31x31 input'),
    ]
    checks = [CheckSpec(
        id='conv_forward.s2_p1_notebook', component='conv_forward', procedure='conv',
        params={'stride': 2, 'pad': 1, 'backward': False}, inputs=nb_fwd, points=1,
        outputs=(Output('out', 'rel_error', t['conv_forward']), Output('x', 'equal', gate=True)),
        description='stride 2, pad 1, linspace inputs (notebook)')]
    for name, xs, ws, stride, pad, text in configs:
        inputs = {'x': R(xs), 'w': R(ws), 'b': R((ws[0],))}
        h = 1 + (xs[2] + 2 * pad - ws[2]) // stride
        w = 1 + (xs[3] + 2 * pad - ws[3]) // stride
        inputs['dout'] = R((xs[0], ws[0], h, w))
        slow_timeout = 60.0 if name.endswith('large') else 20.0
        advisory = _untiled(xs[2:], ws[2:], stride, pad, 'Conv')
        if name != 's1_p1_notebook':
            checks.append(CheckSpec(
                id='conv_forward.' + name, component='conv_forward', procedure='conv',
                params={'stride': stride, 'pad': pad, 'backward': False}, inputs=inputs, points=1,
                outputs=(Output('out', 'rel_error', t['conv_forward']), Output('x', 'equal', gate=True)),
                description=text, timeout_s=slow_timeout, advisory=advisory))
        checks.append(CheckSpec(
            id='conv_backward.' + name, component='conv_backward', procedure='conv',
            params={'stride': stride, 'pad': pad, 'backward': True}, inputs=inputs, points=1,
            outputs=tuple(Output(n, 'rel_error', t['conv_backward']) for n in ('dx', 'dw', 'db')),
            description=text, timeout_s=slow_timeout, advisory=advisory,
            depends_on=('conv_forward',)))         # backward takes the cache the student's forward made
    return checks


def _pool_checks(t):
    configs = [
        ('2x2_s2_notebook', (3, 2, 8, 8), 2, 2, 2, '2x2 pool, stride 2 (notebook)'),
        ('3x3_s2_overlap', (2, 3, 9, 7), 3, 3, 2, '3x3 pool, stride 2 (overlapping), 9x7 input'),
        ('2x2_s1_overlap', (2, 2, 5, 6), 2, 2, 1, '2x2 pool, stride 1 (overlapping)'),
        ('2x3_s2_nonsquare', (2, 3, 6, 9), 2, 3, 2, '2x3 pool, stride 2, 6x9 input'),
        ('3x2_s3_uneven', (2, 2, 8, 7), 3, 2, 3, '3x2 pool, stride 3, window does not tile'),
        ('2x2_s2_large', (8, 3, 32, 32), 2, 2, 2, '2x2 pool, stride 2, 32x32 input'),
    ]
    checks = [CheckSpec(
        id='maxpool_forward.2x2_s2_notebook_linspace', component='maxpool_forward', procedure='maxpool',
        params={'pool_height': 2, 'pool_width': 2, 'stride': 2, 'backward': False},
        inputs={'x': _lin((2, 3, 4, 4), -0.3, 0.4)}, points=1,
        outputs=(Output('out', 'rel_error', t['maxpool_forward']), Output('x', 'equal', note=True)),
        description='2x2 pool, stride 2, linspace input (notebook)')]
    for name, xs, ph, pw, stride, text in configs:
        h, w = 1 + (xs[2] - ph) // stride, 1 + (xs[3] - pw) // stride
        inputs = {'x': R(xs), 'dout': R((xs[0], xs[1], h, w))}
        params = {'pool_height': ph, 'pool_width': pw, 'stride': stride}
        timeout = 60.0 if name.endswith('large') else 20.0
        advisory = _untiled(xs[2:], (ph, pw), stride, 0, 'MaxPool')
        if name != '2x2_s2_notebook':
            checks.append(CheckSpec(
                id='maxpool_forward.' + name, component='maxpool_forward', procedure='maxpool',
                params=dict(params, backward=False), inputs=inputs, points=1, timeout_s=timeout,
                outputs=(Output('out', 'rel_error', t['maxpool_forward']), Output('x', 'equal', note=True)),
                description=text, advisory=advisory))
        checks.append(CheckSpec(
            id='maxpool_backward.' + name, component='maxpool_backward', procedure='maxpool',
            params=dict(params, backward=True), inputs=inputs, points=1, timeout_s=timeout,
            outputs=(Output('dx', 'rel_error', t['maxpool_backward']),), description=text, advisory=advisory,
            depends_on=('maxpool_forward',)))
    return checks


# Inputs of the eps configurations: a batch variance of ~2.5e-3, so eps 1e-3 moves every output and gradient
# far above the thresholds (with the default scale 5, dropping eps moved SpatialBatchNorm's dx by 2e-5 only).
EPS_SCALE = 0.05


def _bn_inputs(shape, steps=1, test_n=None, scale=5.0, shift=12.0, running=False):
    C = shape[1]
    inputs = {'x': Tensor((steps,) + shape, scale=scale, shift=shift), 'gamma': R((C,)),
              'beta': R((C,)), 'dout': R(shape)}
    if test_n:
        inputs['x_test'] = Tensor((test_n,) + shape[1:], scale=scale, shift=shift)
    if running:
        inputs['running_mean'] = Tensor((C,), scale=2.0, shift=10.0)
        inputs['running_var'] = Tensor((C,), kind='uniform', low=1.0, high=30.0)
    return inputs


def _batchnorm_checks(t, spatial):
    kind = 'spatial_batchnorm' if spatial else 'batchnorm'
    fwd, bwd = t[kind + '_forward'], t[kind + '_backward']
    s = (lambda n, d: (n, d, 4, 5)) if spatial else (lambda n, d: (n, d))
    base = {'spatial': spatial}
    depends = ('batchnorm_forward',) if spatial else ()
    back_depends = depends + (kind + '_forward',) + (
        ('batchnorm_backward', 'batchnorm_backward_alt') if spatial else ())
    stats = (Output('running_mean', 'rel_error', fwd), Output('running_var', 'rel_error', fwd))
    checks = [
        CheckSpec(id=kind + '_forward.train', component=kind + '_forward', procedure='batchnorm',
                  params=dict(base, train_steps=1), inputs=_bn_inputs(s(32, 6)), points=1,
                  outputs=(Output('out', 'rel_error', fwd), Output('x', 'equal', note=True)) + stats,
                  depends_on=depends, description='train mode, random gamma/beta, default running stats'),
        CheckSpec(id=kind + '_forward.train_eps_momentum', component=kind + '_forward',
                  procedure='batchnorm',
                  params=dict(base, train_steps=1, eps=1e-3, momentum=0.7),
                  inputs=_bn_inputs(s(16, 5), running=True, scale=EPS_SCALE), points=1,
                  outputs=(Output('out', 'rel_error', fwd),) + stats, depends_on=depends,
                  description='train mode, eps 1e-3, momentum 0.7, given running stats'),
        CheckSpec(id=kind + '_forward.test_after_training', component=kind + '_forward',
                  procedure='batchnorm', params=dict(base, train_steps=5, test=True),
                  inputs=_bn_inputs(s(24, 4), steps=5, test_n=10), points=1,
                  outputs=(Output('out_test', 'rel_error', fwd),) + stats, depends_on=depends,
                  description='test mode after 5 training steps uses the running statistics'),
    ]
    grads = tuple(Output(n, 'rel_error', bwd) for n in ('dx', 'dgamma', 'dbeta'))
    for name, shape, extra in (('notebook', s(4, 5), {}), ('eps_1e-3', s(10, 7), {'eps': 1e-3})):
        checks.append(CheckSpec(
            id='%s_backward.%s' % (kind, name), component=kind + '_backward', procedure='batchnorm',
            params=dict(base, train_steps=1, backward='backward', **extra),
            inputs=_bn_inputs(shape, scale=EPS_SCALE if extra else 5.0),
            points=1, outputs=grads, depends_on=back_depends,
            description='train-mode backward, N=%d' % shape[0] + (', eps 1e-3' if extra else '')))
    if not spatial:
        alt = tuple(Output(n, 'rel_error', t['batchnorm_backward_alt']) for n in ('dx', 'dgamma', 'dbeta'))
        for name, shape in (('small', (4, 5)), ('wide', (128, 64))):
            checks.append(CheckSpec(
                id='batchnorm_backward_alt.' + name, component='batchnorm_backward_alt',
                procedure='batchnorm', params=dict(base, train_steps=1, backward='backward_alt'),
                inputs=_bn_inputs(shape), points=1, outputs=alt, depends_on=('batchnorm_forward',),
                description='backward_alt with the forward cache, N=%d, D=%d' % shape))
    return checks


def _kaiming_checks():
    configs = [
        ('linear_xavier', 400, 2000, None, False, 'float32'),
        ('linear_relu', 200, 2000, None, True, 'float64'),
        ('conv_xavier', 100, 500, 4, False, 'float32'),
        ('conv_relu', 64, 500, 5, True, 'float64'),
    ]
    checks = []
    for name, din, dout, k, relu, dtype in configs:
        n = din * dout * (k * k if k else 1)
        std = math.sqrt((2.0 if relu else 1.0) / (din * (k * k if k else 1)))
        checks.append(CheckSpec(
            id='kaiming_initializer.' + name, component='kaiming_initializer', procedure='kaiming',
            params={'Din': din, 'Dout': dout, 'K': k, 'relu': relu, 'dtype': dtype}, points=1,
            outputs=(Output('w', 'meta', gate=True),
                     # 6 standard errors of the sample std and mean
                     Output('std', 'rel_error', 3.0 / math.sqrt(2 * n), check_dtype=False),
                     Output('mean', 'abs_error', 6.0 * std / math.sqrt(n), check_dtype=False, gate=True)),
            description='Din %d, Dout %d, K %s, relu %s, %s' % (din, dout, k, relu, dtype)))
    return checks


def _grad_outputs(param_names, bn_biases, t_grad, t_bias):
    outs = []
    for name in param_names:
        if name in bn_biases:
            outs.append(Output('grad.' + name, 'abs_error', t_bias))
        else:
            outs.append(Output('grad.' + name, 'rel_error', t_grad))
    return tuple(outs)


def _deep_names(n_conv, batchnorm):
    names = []
    for k in range(1, n_conv + 1):
        names += ['W%d' % k, 'b%d' % k] + (['gamma%d' % k, 'beta%d' % k] if batchnorm else [])
    return names + ['W%d' % (n_conv + 1), 'b%d' % (n_conv + 1)]


def _model_checks(t):
    three = ('W1', 'b1', 'W2', 'b2', 'W3', 'b3')
    scores = Output('scores', 'rel_error', t['model_scores'])
    loss = Output('loss', 'rel_error', t['model_scores'])
    checks = [
        CheckSpec(id='three_layer_convnet.init', component='three_layer_convnet', procedure='model',
                  params={'cls': 'ThreeLayerConvNet', 'phases': ['init'],
                          'init': {'input_dims': (3, 16, 12), 'num_filters': 6, 'filter_size': 5,
                                   'hidden_dim': 40, 'weight_scale': 1e-2}},
                  points=1, outputs=(Output('init', 'meta'),),
                  description='parameter names, shapes, std = weight_scale, zero biases'),
        CheckSpec(id='three_layer_convnet.grads_reg0', component='three_layer_convnet', procedure='model',
                  params={'cls': 'ThreeLayerConvNet', 'phases': ['perturb', 'scores', 'loss'], 'reg': 0.0,
                          'init': {'input_dims': (3, 16, 16), 'num_filters': 3, 'filter_size': 3,
                                   'hidden_dim': 7, 'weight_scale': 5e-2}},
                  inputs={'X': R((2, 3, 16, 16)), 'y': _labels(2)}, points=1,
                  outputs=(scores, loss) + _grad_outputs(three, (), t['model_grad'], 0),
                  description='loss and gradients, reg 0 (notebook configuration)'),
        CheckSpec(id='three_layer_convnet.grads_reg0.5_nonsquare', component='three_layer_convnet',
                  procedure='model',
                  params={'cls': 'ThreeLayerConvNet', 'phases': ['perturb', 'scores', 'loss'], 'reg': 0.5,
                          'init': {'input_dims': (3, 12, 8), 'num_filters': 4, 'filter_size': 5,
                                   'hidden_dim': 9, 'num_classes': 6, 'weight_scale': 5e-2}},
                  inputs={'X': R((3, 3, 12, 8)), 'y': _labels(3, 6)}, points=1,
                  outputs=(scores, loss) + _grad_outputs(three, (), t['model_grad'], 0),
                  description='loss and gradients, reg 0.5, 12x8 input, filter 5, 6 classes'),
        CheckSpec(id='three_layer_convnet.initial_loss_reg0.5', component='three_layer_convnet',
                  procedure='model',
                  params={'cls': 'ThreeLayerConvNet', 'phases': ['loss'], 'reg': 0.5, 'init': {}},
                  inputs={'X': R((10, 3, 32, 32)), 'y': _labels(10)}, points=1, timeout_s=20.0,
                  outputs=(loss,), description='default model, reg 0.5: loss about 2.715'),
    ]
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
    for name, init, reg, phases, xshape, text in deep:
        n_conv = len(init['num_filters'])
        outs = (Output('init', 'meta'),) if 'init' in phases else ()
        if 'scores' in phases:
            outs += (scores,)
        if 'loss' in phases:
            outs += (loss,)
            if name != 'initial_loss_reg1':
                outs += _grad_outputs(_deep_names(n_conv, False), (), t['model_grad'], 0)
        inputs = {}
        if xshape:
            inputs = {'X': R(xshape), 'y': _labels(xshape[0], init.get('num_classes', 10))}
        checks.append(CheckSpec(
            id='deep_convnet.' + name, component='deep_convnet', procedure='model',
            params={'cls': 'DeepConvNet', 'phases': phases, 'reg': reg, 'init': init},
            inputs=inputs, points=1, outputs=outs, description=text, timeout_s=20.0,
            depends_on=('kaiming_initializer',) if init.get('weight_scale') == 'kaiming' else ()))
    bn_init = {'num_filters': [8, 8, 8], 'max_pools': [0, 2], 'weight_scale': 5e-2,
               'input_dims': (3, 8, 8), 'batchnorm': True}
    names = _deep_names(3, True)
    bn_grads = _grad_outputs(names, ('b1', 'b2', 'b3'), t['bn_model_grad'], t['bn_conv_bias_abs'])
    bn_deps = ('deep_convnet', 'spatial_batchnorm_forward', 'spatial_batchnorm_backward')
    for name, reg in (('grads_reg0', 0.0), ('grads_reg3.14', 3.14)):
        checks.append(CheckSpec(
            id='deep_convnet_batchnorm.' + name, component='deep_convnet_batchnorm', procedure='model',
            params={'cls': 'DeepConvNet', 'phases': ['perturb', 'loss'], 'reg': reg, 'init': bn_init},
            inputs={'X': R((2, 3, 8, 8)), 'y': _labels(2)}, points=1, depends_on=bn_deps,
            outputs=(loss,) + bn_grads,
            description='batchnorm, [8,8,8], pools [0,2], reg %g; conv biases by absolute error' % reg))
    running = tuple(Output('bn%d.%s' % (i, s), 'rel_error', t['model_scores'])
                    for i in range(3) for s in ('running_mean', 'running_var'))
    checks += [
        CheckSpec(id='deep_convnet_batchnorm.init', component='deep_convnet_batchnorm', procedure='model',
                  params={'cls': 'DeepConvNet', 'phases': ['init'], 'reg': None, 'init': bn_init},
                  points=1, outputs=(Output('init', 'meta'),), depends_on=('deep_convnet',),
                  description='gamma ones, beta zeros, one bn_param per macro layer'),
        CheckSpec(id='deep_convnet_batchnorm.test_mode_after_training', component='deep_convnet_batchnorm',
                  procedure='model',
                  params={'cls': 'DeepConvNet', 'phases': ['train3', 'scores'], 'reg': 0.0,
                          'init': dict(bn_init, num_filters=[6, 4], max_pools=[1])},
                  inputs={'X': R((6, 3, 8, 8)), 'y': _labels(6), 'X_test': R((5, 3, 8, 8))}, points=1,
                  depends_on=bn_deps, outputs=(scores,) + running[:4],
                  description='scores in test mode after 3 training steps use the running statistics'),
    ]
    checks += [
        CheckSpec(id='save_load.three_layer_convnet', component='save_load', procedure='save_load',
                  params={'cls': 'ThreeLayerConvNet', 'init': {'input_dims': (3, 8, 8), 'num_filters': 4,
                                                               'filter_size': 3, 'hidden_dim': 10}},
                  inputs={'X': R((4, 3, 8, 8))}, points=1,
                  outputs=(Output('scores_loaded', 'rel_error', 1e-12), Output('params_loaded', 'meta')),
                  depends_on=('three_layer_convnet',),
                  description='save(path) then load(path) gives the same scores (loss(X) only)'),
        CheckSpec(id='save_load.deep_convnet_batchnorm', component='save_load', procedure='save_load',
                  params={'cls': 'DeepConvNet', 'init': dict(bn_init, num_filters=[4, 4], max_pools=[0]),
                          'load_dtype': 'float32'},
                  inputs={'X': R((4, 3, 8, 8))}, points=1,
                  outputs=(Output('scores_loaded', 'rel_error', 1e-5, check_dtype=False),
                           Output('params_loaded', 'meta')),
                  depends_on=('deep_convnet', 'deep_convnet_batchnorm', 'spatial_batchnorm_forward'),
                  description='save a float64 model, load(path, torch.float32, device): params and '
                              'running stats cast, same test-mode scores'),
    ]
    return checks


# What the solver checks run: the student's own choice of net, typically a batchnorm DeepConvNet with kaiming.
TRAINING_DEPENDS = ('deep_convnet', 'deep_convnet_batchnorm', 'spatial_batchnorm_forward',
                    'spatial_batchnorm_backward', 'kaiming_initializer')


def _training_checks(t):
    return [
        CheckSpec(id='overfit.deep_convnet_50_images', component='overfit', procedure='overfit',
                  params={'num_train': 50, 'num_epochs': 30, 'batch_size': 10, 'image_size': 32},
                  points=1, timeout_s=180.0, slow=True, depends_on=('deep_convnet',),
                  outputs=(Output('train_accuracy', 'at_least', t['overfit_accuracy'], check_dtype=False),),
                  description='find_overfit_parameters: [8,16,32,64] net reaches 100% on 50 images'),
        CheckSpec(id='solver.synthetic_cifar', component='solver', procedure='solver',
                  params={'num_train': 1000, 'num_val': 200, 'num_test': 500, 'time_limit_s': 10.0,
                          'image_size': 32},
                  points=1, timeout_s=100.0, slow=True,
                  depends_on=TRAINING_DEPENDS,
                  outputs=(Output('test_accuracy', 'at_least', t['solver_accuracy'], check_dtype=False),),
                  description='create_convolutional_solver_instance trains within the time limit; '
                              'accuracy measured by the grader on held-out synthetic data'),
    ]


def _cifar_checks(t):
    """The training checks on real CIFAR-10 (used when the operator configures its folder)."""
    return [
        CheckSpec(id='overfit.cifar10_50_images', component='overfit', procedure='overfit',
                  params={'dataset': 'cifar10', 'num_train': 50, 'num_epochs': 30, 'batch_size': 10},
                  points=1, timeout_s=180.0, slow=True, depends_on=('deep_convnet',),
                  outputs=(Output('train_accuracy', 'at_least', t['overfit_accuracy'], check_dtype=False),),
                  description='find_overfit_parameters: [8,16,32,64] net reaches 100% on the first 50 '
                              'CIFAR-10 training images (accuracy measured by the grader)'),
        CheckSpec(id='solver.cifar10', component='solver', procedure='solver',
                  params={'dataset': 'cifar10', 'time_limit_s': CIFAR_TIME_LIMIT_S},
                  points=1, timeout_s=CIFAR_TIME_LIMIT_S + 240.0, slow=True,
                  depends_on=TRAINING_DEPENDS,
                  outputs=(Output('val_accuracy', 'at_least', t['cifar_val_accuracy'], check_dtype=False),
                           Output('test_accuracy', 'at_least', t['cifar_test_accuracy'], check_dtype=False)),
                  description='create_convolutional_solver_instance trains on CIFAR-10 within the time limit; '
                              'the grader measures validation and test accuracy (the test split never '
                              'reaches your code)'),
    ]


def _with_points(checks):
    """A component's points split evenly among its checks; advisory checks get none."""
    counts = {}
    for spec in checks:
        if not spec.advisory:
            counts[spec.component] = counts.get(spec.component, 0) + 1
    out = []
    for spec in checks:
        pts = 0.0 if spec.advisory else POINTS[spec.component] / counts[spec.component]
        out.append(CheckSpec(**{**spec.__dict__, 'points': pts}))
    return tuple(out)


def catalog(thresholds):
    """Profile fields: the checks and their CIFAR-10 variants, built from one set of thresholds."""
    return {'checks': build_checks(thresholds),
            'cifar_checks': _with_points(_cifar_checks(thresholds))}


def build_checks(thresholds):
    """Every check of the catalog, with the given thresholds, points assigned."""
    t = thresholds
    checks = (_conv_checks(t) + _pool_checks(t) + _batchnorm_checks(t, False)
              + _batchnorm_checks(t, True) + _kaiming_checks() + _model_checks(t) + _training_checks(t))
    checks.sort(key=lambda c: COMPONENTS.index(c.component))      # stable: grouped by component
    return _with_points(checks)
