"""Layer sandwiches the course provides, built on the reference layers."""
from .batchnorm import BatchNorm, SpatialBatchNorm
from .fc_layers import Linear, ReLU
from .layers import Conv, MaxPool


class Conv_ReLU(object):
    @staticmethod
    def forward(x, w, b, conv_param):
        a, conv_cache = Conv.forward(x, w, b, conv_param)
        out, relu_cache = ReLU.forward(a)
        return out, (conv_cache, relu_cache)

    @staticmethod
    def backward(dout, cache):
        conv_cache, relu_cache = cache
        return Conv.backward(ReLU.backward(dout, relu_cache), conv_cache)


class Conv_ReLU_Pool(object):
    @staticmethod
    def forward(x, w, b, conv_param, pool_param):
        a, conv_cache = Conv.forward(x, w, b, conv_param)
        s, relu_cache = ReLU.forward(a)
        out, pool_cache = MaxPool.forward(s, pool_param)
        return out, (conv_cache, relu_cache, pool_cache)

    @staticmethod
    def backward(dout, cache):
        conv_cache, relu_cache, pool_cache = cache
        ds = MaxPool.backward(dout, pool_cache)
        return Conv.backward(ReLU.backward(ds, relu_cache), conv_cache)


class Linear_BatchNorm_ReLU(object):
    @staticmethod
    def forward(x, w, b, gamma, beta, bn_param):
        a, fc_cache = Linear.forward(x, w, b)
        a_bn, bn_cache = BatchNorm.forward(a, gamma, beta, bn_param)
        out, relu_cache = ReLU.forward(a_bn)
        return out, (fc_cache, bn_cache, relu_cache)

    @staticmethod
    def backward(dout, cache):
        fc_cache, bn_cache, relu_cache = cache
        da, dgamma, dbeta = BatchNorm.backward(ReLU.backward(dout, relu_cache), bn_cache)
        dx, dw, db = Linear.backward(da, fc_cache)
        return dx, dw, db, dgamma, dbeta


class Conv_BatchNorm_ReLU(object):
    @staticmethod
    def forward(x, w, b, gamma, beta, conv_param, bn_param):
        a, conv_cache = Conv.forward(x, w, b, conv_param)
        an, bn_cache = SpatialBatchNorm.forward(a, gamma, beta, bn_param)
        out, relu_cache = ReLU.forward(an)
        return out, (conv_cache, bn_cache, relu_cache)

    @staticmethod
    def backward(dout, cache):
        conv_cache, bn_cache, relu_cache = cache
        da, dgamma, dbeta = SpatialBatchNorm.backward(ReLU.backward(dout, relu_cache), bn_cache)
        dx, dw, db = Conv.backward(da, conv_cache)
        return dx, dw, db, dgamma, dbeta


class Conv_BatchNorm_ReLU_Pool(object):
    @staticmethod
    def forward(x, w, b, gamma, beta, conv_param, bn_param, pool_param):
        a, conv_cache = Conv.forward(x, w, b, conv_param)
        an, bn_cache = SpatialBatchNorm.forward(a, gamma, beta, bn_param)
        s, relu_cache = ReLU.forward(an)
        out, pool_cache = MaxPool.forward(s, pool_param)
        return out, (conv_cache, bn_cache, relu_cache, pool_cache)

    @staticmethod
    def backward(dout, cache):
        conv_cache, bn_cache, relu_cache, pool_cache = cache
        ds = MaxPool.backward(dout, pool_cache)
        dan, dgamma, dbeta = SpatialBatchNorm.backward(ReLU.backward(ds, relu_cache), bn_cache)
        dx, dw, db = Conv.backward(dan, conv_cache)
        return dx, dw, db, dgamma, dbeta
