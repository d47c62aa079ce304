"""ThreeLayerConvNet: parameter init, loss and gradients (with and without reg), the default model's loss."""
from ..spec import Component, Output
from .recipes import R, grad_outputs, labels, model_outputs

THREE_LAYER_CONVNET = Component('three_layer_convnet', 'ThreeLayerConvNet', points=8, procedure='model')
COMPONENTS = (THREE_LAYER_CONVNET,)

PARAMS = ('W1', 'b1', 'W2', 'b2', 'W3', 'b3')


def checks(t):
    scores, loss = model_outputs(t)
    grads = grad_outputs(PARAMS, (), t['model_grad'], 0)
    return [
        THREE_LAYER_CONVNET.check(
            'init', params={'cls': 'ThreeLayerConvNet', 'phases': ['init'],
                            'init': {'input_dims': (3, 16, 12), 'num_filters': 6, 'filter_size': 5,
                                     'hidden_dim': 40, 'weight_scale': 1e-2}},
            outputs=(Output('init', 'meta'),),
            description='parameter names, shapes, std = weight_scale, zero biases'),
        THREE_LAYER_CONVNET.check(
            'grads_reg0', params={'cls': 'ThreeLayerConvNet', 'phases': ['perturb', 'scores', 'loss'], 'reg': 0.0,
                                  'init': {'input_dims': (3, 16, 16), 'num_filters': 3, 'filter_size': 3,
                                           'hidden_dim': 7, 'weight_scale': 5e-2}},
            inputs={'X': R((2, 3, 16, 16)), 'y': labels(2)}, outputs=(scores, loss) + grads,
            description='loss and gradients, reg 0 (notebook configuration)'),
        THREE_LAYER_CONVNET.check(
            'grads_reg0.5_nonsquare',
            params={'cls': 'ThreeLayerConvNet', 'phases': ['perturb', 'scores', 'loss'], 'reg': 0.5,
                    'init': {'input_dims': (3, 12, 8), 'num_filters': 4, 'filter_size': 5,
                             'hidden_dim': 9, 'num_classes': 6, 'weight_scale': 5e-2}},
            inputs={'X': R((3, 3, 12, 8)), 'y': labels(3, 6)}, outputs=(scores, loss) + grads,
            description='loss and gradients, reg 0.5, 12x8 input, filter 5, 6 classes'),
        THREE_LAYER_CONVNET.check(
            'initial_loss_reg0.5', params={'cls': 'ThreeLayerConvNet', 'phases': ['loss'], 'reg': 0.5, 'init': {}},
            inputs={'X': R((10, 3, 32, 32)), 'y': labels(10)}, timeout_s=20.0,
            outputs=(loss,), description='default model, reg 0.5: loss about 2.715'),
    ]
