"""What the component files share: input recipes, the untiled-window contract note, model gradient outputs."""
from ..spec import Output, Tensor

R = Tensor  # randn recipe


def lin(shape, low, high):
    return Tensor(shape, kind='linspace', low=low, high=high)


def labels(n, classes=10):
    return Tensor((n,), kind='randint', high=classes)


def untiled(sizes, windows, stride, pad, layer):
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


def grad_outputs(param_names, bn_biases, t_grad, t_bias):
    """grad.<name> for each parameter: rel_error, except the conv biases feeding a BatchNorm (true gradient 0)."""
    outs = []
    for name in param_names:
        if name in bn_biases:
            outs.append(Output('grad.' + name, 'abs_error', t_bias))
        else:
            outs.append(Output('grad.' + name, 'rel_error', t_grad))
    return tuple(outs)


def deep_names(n_conv, batchnorm):
    """DeepConvNet's parameter names as the reference lays them out: W1, b1(, gamma1, beta1), ..., W<L>, b<L>."""
    names = []
    for k in range(1, n_conv + 1):
        names += ['W%d' % k, 'b%d' % k] + (['gamma%d' % k, 'beta%d' % k] if batchnorm else [])
    return names + ['W%d' % (n_conv + 1), 'b%d' % (n_conv + 1)]


def model_outputs(t):
    """(scores, loss): the outputs every model check compares, to the initial-loss threshold."""
    return Output('scores', 'rel_error', t['model_scores']), Output('loss', 'rel_error', t['model_scores'])
