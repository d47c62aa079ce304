"""BatchNorm (N, D) and SpatialBatchNorm (N, C, H, W), as the course defines them.

bn_param: 'mode' ('train' | 'test'), optional 'eps' (1e-5), 'momentum' (0.9),
'running_mean', 'running_var' (zeros when absent). Running stats are written back into
bn_param after every call: running = momentum * running + (1 - momentum) * batch.
"""
import torch


def _running_stats(bn_param, D, like):
    zeros = torch.zeros(D, dtype=like.dtype, device=like.device)
    return bn_param.get('running_mean', zeros), bn_param.get('running_var', zeros)


class BatchNorm(object):
    @staticmethod
    def forward(x, gamma, beta, bn_param):
        """x (N, D), gamma (D,), beta (D,) -> out (N, D), cache.

        Train mode normalises with the batch mean and the uncorrected (1/N) variance;
        test mode with the running statistics.
        """
        mode = bn_param['mode']
        eps = bn_param.get('eps', 1e-5)
        momentum = bn_param.get('momentum', 0.9)
        running_mean, running_var = _running_stats(bn_param, x.shape[1], x)
        if mode == 'train':
            mean = x.mean(dim=0)
            var = x.var(dim=0, unbiased=False)
            running_mean = momentum * running_mean + (1 - momentum) * mean
            running_var = momentum * running_var + (1 - momentum) * var
        elif mode == 'test':
            mean, var = running_mean, running_var
        else:
            raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
        inv_std = 1.0 / torch.sqrt(var + eps)
        x_hat = (x - mean) * inv_std
        out = gamma * x_hat + beta
        bn_param['running_mean'] = running_mean.detach()
        bn_param['running_var'] = running_var.detach()
        return out, (x_hat, gamma, inv_std, mode)

    @staticmethod
    def backward(dout, cache):
        """Step by step through the graph: dout (N, D) -> dx, dgamma, dbeta."""
        x_hat, gamma, inv_std, mode = cache
        N = dout.shape[0]
        dbeta = dout.sum(dim=0)
        dgamma = (dout * x_hat).sum(dim=0)
        dx_hat = dout * gamma
        if mode == 'test':
            return dx_hat * inv_std, dgamma, dbeta
        x_mu = x_hat / inv_std
        dvar = (dx_hat * x_mu).sum(dim=0) * -0.5 * inv_std ** 3
        dmean = -(dx_hat * inv_std).sum(dim=0) - 2.0 * dvar * x_mu.mean(dim=0)
        dx = dx_hat * inv_std + dvar * 2.0 * x_mu / N + dmean / N
        return dx, dgamma, dbeta

    @staticmethod
    def backward_alt(dout, cache):
        """Simplified closed form; same cache, same results as backward."""
        x_hat, gamma, inv_std, mode = cache
        N = dout.shape[0]
        dbeta = dout.sum(dim=0)
        dgamma = (dout * x_hat).sum(dim=0)
        dx_hat = dout * gamma
        if mode == 'test':
            return dx_hat * inv_std, dgamma, dbeta
        dx = inv_std / N * (N * dx_hat - dx_hat.sum(dim=0) - x_hat * (dx_hat * x_hat).sum(dim=0))
        return dx, dgamma, dbeta


def _to_rows(x):
    N, C, H, W = x.shape
    return x.permute(0, 2, 3, 1).reshape(-1, C)


def _from_rows(rows, shape):
    N, C, H, W = shape
    return rows.reshape(N, H, W, C).permute(0, 3, 1, 2)


class SpatialBatchNorm(object):
    @staticmethod
    def forward(x, gamma, beta, bn_param):
        """x (N, C, H, W), gamma/beta (C,): statistics over N, H, W per channel."""
        out, cache = BatchNorm.forward(_to_rows(x), gamma, beta, bn_param)
        return _from_rows(out, x.shape), (cache, x.shape)

    @staticmethod
    def backward(dout, cache):
        bn_cache, shape = cache
        dx, dgamma, dbeta = BatchNorm.backward_alt(_to_rows(dout), bn_cache)
        return _from_rows(dx, shape), dgamma, dbeta
