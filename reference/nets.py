"""ThreeLayerConvNet, DeepConvNet and kaiming_initializer.

Regularisation follows the course: loss += reg * sum(W ** 2) over conv and linear
weights (no 0.5 factor; biases, gamma and beta are not regularised).
"""
import torch

from .fc_layers import Linear, Linear_ReLU
from .losses import softmax_loss
from .sandwich import Conv_BatchNorm_ReLU, Conv_BatchNorm_ReLU_Pool, Conv_ReLU, Conv_ReLU_Pool

POOL_2X2 = {'pool_height': 2, 'pool_width': 2, 'stride': 2}


def kaiming_initializer(Din, Dout, K=None, relu=True, device='cpu', dtype=torch.float32):
    """Zero-mean Gaussian with std sqrt(gain / fan_in), gain 2 with relu else 1.

    K None: linear weight (Din, Dout), fan_in Din.
    K int:  conv weight (Dout, Din, K, K), fan_in Din * K * K.
    """
    gain = 2.0 if relu else 1.0
    if K is None:
        fan_in, shape = Din, (Din, Dout)
    else:
        fan_in, shape = Din * K * K, (Dout, Din, K, K)
    return torch.randn(shape, device=device, dtype=dtype) * (gain / fan_in) ** 0.5


def _l2(reg, params, names):
    return reg * sum((params[n] ** 2).sum() for n in names)


class ThreeLayerConvNet(object):
    """conv - relu - 2x2 max pool - linear - relu - linear - softmax."""

    def __init__(self, input_dims=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100,
                 num_classes=10, weight_scale=1e-3, reg=0.0, dtype=torch.float, device='cpu'):
        self.params = {}
        self.reg = reg
        self.dtype = dtype
        C, H, W = input_dims
        kw = {'dtype': dtype, 'device': device}
        self.params['W1'] = weight_scale * torch.randn(num_filters, C, filter_size, filter_size, **kw)
        self.params['b1'] = torch.zeros(num_filters, **kw)
        self.params['W2'] = weight_scale * torch.randn(num_filters * (H // 2) * (W // 2), hidden_dim, **kw)
        self.params['b2'] = torch.zeros(hidden_dim, **kw)
        self.params['W3'] = weight_scale * torch.randn(hidden_dim, num_classes, **kw)
        self.params['b3'] = torch.zeros(num_classes, **kw)

    def save(self, path):
        torch.save({'reg': self.reg, 'dtype': self.dtype, 'params': self.params}, path)

    def load(self, path):
        checkpoint = torch.load(path, map_location='cpu')
        self.params = checkpoint['params']
        self.dtype = checkpoint['dtype']
        self.reg = checkpoint['reg']

    def loss(self, X, y=None):
        """X (N, C, H, W) -> scores (N, classes) if y is None, else (loss, grads)."""
        X = X.to(self.dtype)
        p = self.params
        conv_param = {'stride': 1, 'pad': (p['W1'].shape[2] - 1) // 2}
        h1, c1 = Conv_ReLU_Pool.forward(X, p['W1'], p['b1'], conv_param, POOL_2X2)
        h2, c2 = Linear_ReLU.forward(h1, p['W2'], p['b2'])
        scores, c3 = Linear.forward(h2, p['W3'], p['b3'])
        if y is None:
            return scores
        loss, dscores = softmax_loss(scores, y)
        loss = loss + _l2(self.reg, p, ('W1', 'W2', 'W3'))
        grads = {}
        dh2, grads['W3'], grads['b3'] = Linear.backward(dscores, c3)
        dh1, grads['W2'], grads['b2'] = Linear_ReLU.backward(dh2, c2)
        _, grads['W1'], grads['b1'] = Conv_ReLU_Pool.backward(dh1, c1)
        for name in ('W1', 'W2', 'W3'):
            grads[name] = grads[name] + 2 * self.reg * p[name]
        return loss, grads


class DeepConvNet(object):
    """{conv3x3 - [spatial BN] - relu - [2x2 max pool]} x (L-1) - linear.

    Parameters W1..WL, b1..bL and, with batchnorm, gamma1..gamma(L-1), beta1..beta(L-1).
    """

    def __init__(self, input_dims=(3, 32, 32), num_filters=[8, 8, 8, 8, 8], max_pools=[0, 1, 2, 3, 4],
                 batchnorm=False, num_classes=10, weight_scale=1e-3, reg=0.0, weight_initializer=None,
                 dtype=torch.float, device='cpu'):
        self.params = {}
        self.num_layers = len(num_filters) + 1
        self.max_pools = max_pools
        self.batchnorm = batchnorm
        self.reg = reg
        self.dtype = dtype
        if device == 'cuda':
            device = 'cuda:0'
        kw = {'dtype': dtype, 'device': device}
        C, H, W = input_dims
        prev = C
        for i, n_f in enumerate(num_filters):
            k = i + 1
            if weight_scale == 'kaiming':
                self.params['W%d' % k] = kaiming_initializer(prev, n_f, K=3, relu=True, **kw)
            else:
                self.params['W%d' % k] = weight_scale * torch.randn(n_f, prev, 3, 3, **kw)
            self.params['b%d' % k] = torch.zeros(n_f, **kw)
            if batchnorm:
                self.params['gamma%d' % k] = torch.ones(n_f, **kw)
                self.params['beta%d' % k] = torch.zeros(n_f, **kw)
            prev = n_f
        shrink = 2 ** len(max_pools)
        fc_in = prev * (H // shrink) * (W // shrink)
        L = self.num_layers
        if weight_scale == 'kaiming':
            self.params['W%d' % L] = kaiming_initializer(fc_in, num_classes, relu=False, **kw)
        else:
            self.params['W%d' % L] = weight_scale * torch.randn(fc_in, num_classes, **kw)
        self.params['b%d' % L] = torch.zeros(num_classes, **kw)

        self.bn_params = []
        if self.batchnorm:
            self.bn_params = [{'mode': 'train'} for _ in range(len(num_filters))]

        params_per_macro_layer = 4 if batchnorm else 2
        num_params = params_per_macro_layer * len(num_filters) + 2
        assert len(self.params) == num_params, 'wrong number of parameters'
        for v in self.params.values():
            assert v.device == torch.device(device) or str(v.device) == str(device)
            assert v.dtype == dtype

    def save(self, path):
        torch.save({'reg': self.reg, 'dtype': self.dtype, 'params': self.params,
                    'num_layers': self.num_layers, 'max_pools': self.max_pools,
                    'batchnorm': self.batchnorm, 'bn_params': self.bn_params}, path)

    def load(self, path, dtype, device):
        checkpoint = torch.load(path, map_location='cpu')
        self.params = checkpoint['params']
        self.dtype = dtype
        self.reg = checkpoint['reg']
        self.num_layers = checkpoint['num_layers']
        self.max_pools = checkpoint['max_pools']
        self.batchnorm = checkpoint['batchnorm']
        self.bn_params = checkpoint['bn_params']
        for p in self.params:
            self.params[p] = self.params[p].type(dtype).to(device)
        for i in range(len(self.bn_params)):
            for p in ['running_mean', 'running_var']:
                self.bn_params[i][p] = self.bn_params[i][p].type(dtype).to(device)

    def loss(self, X, y=None):
        """X (N, C, H, W) -> scores if y is None, else (loss, grads keyed like params)."""
        X = X.to(self.dtype)
        mode = 'test' if y is None else 'train'
        for bn_param in self.bn_params:
            bn_param['mode'] = mode
        p = self.params
        conv_param = {'stride': 1, 'pad': 1}
        caches = []
        out = X
        for i in range(self.num_layers - 1):
            k = i + 1
            w, b = p['W%d' % k], p['b%d' % k]
            pooled = i in self.max_pools
            if self.batchnorm:
                args = (out, w, b, p['gamma%d' % k], p['beta%d' % k], conv_param, self.bn_params[i])
                layer = Conv_BatchNorm_ReLU_Pool if pooled else Conv_BatchNorm_ReLU
            else:
                args = (out, w, b, conv_param)
                layer = Conv_ReLU_Pool if pooled else Conv_ReLU
            out, cache = layer.forward(*args, POOL_2X2) if pooled else layer.forward(*args)
            caches.append((layer, cache))
        L = self.num_layers
        scores, fc_cache = Linear.forward(out, p['W%d' % L], p['b%d' % L])
        if y is None:
            return scores

        weights = ['W%d' % k for k in range(1, L + 1)]
        loss, dscores = softmax_loss(scores, y)
        loss = loss + _l2(self.reg, p, weights)
        grads = {}
        dout, grads['W%d' % L], grads['b%d' % L] = Linear.backward(dscores, fc_cache)
        for i in reversed(range(L - 1)):
            k = i + 1
            layer, cache = caches[i]
            if self.batchnorm:
                dout, grads['W%d' % k], grads['b%d' % k], grads['gamma%d' % k], grads['beta%d' % k] = \
                    layer.backward(dout, cache)
            else:
                dout, grads['W%d' % k], grads['b%d' % k] = layer.backward(dout, cache)
        for name in weights:
            grads[name] = grads[name] + 2 * self.reg * p[name]
        return loss, grads
