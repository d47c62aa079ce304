"""Layers from the first half of the assignment: Linear, ReLU, Linear_ReLU."""
import torch


class Linear(object):
    @staticmethod
    def forward(x, w, b):
        """x (N, d_1, ..., d_k), w (D, M), b (M,) -> out (N, M), cache (x, w, b)."""
        out = x.reshape(x.shape[0], -1).mm(w) + b
        return out, (x, w, b)

    @staticmethod
    def backward(dout, cache):
        """dout (N, M) -> dx (shape of x), dw (D, M), db (M,)."""
        x, w, b = cache
        dx = dout.mm(w.t()).reshape(x.shape)
        dw = x.reshape(x.shape[0], -1).t().mm(dout)
        db = dout.sum(dim=0)
        return dx, dw, db


class ReLU(object):
    @staticmethod
    def forward(x):
        """Elementwise max(0, x); cache is x."""
        return x.clamp(min=0), x

    @staticmethod
    def backward(dout, cache):
        return dout * (cache > 0).to(dout.dtype)


class Linear_ReLU(object):
    @staticmethod
    def forward(x, w, b):
        a, fc_cache = Linear.forward(x, w, b)
        out, relu_cache = ReLU.forward(a)
        return out, (fc_cache, relu_cache)

    @staticmethod
    def backward(dout, cache):
        fc_cache, relu_cache = cache
        return Linear.backward(ReLU.backward(dout, relu_cache), fc_cache)
