"""Shared oracle helpers for the reference-implementation tests (float64, torch autograd)."""
import sys
from pathlib import Path

import torch

try:  # the project root holds the `reference` package; `python -m pytest` already puts it on sys.path
    import reference  # noqa: F401
except ImportError:  # pragma: no cover - plain `pytest` invocation without a root conftest
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

DT = torch.float64
TOL = 1e-12


def rel_error(x, y, eps=1e-10):
    """The course metric: max|x - y| / max(clamp(|x| + |y|, min=eps))."""
    x = torch.as_tensor(x, dtype=DT)
    y = torch.as_tensor(y, dtype=DT)
    top = (x - y).abs().max().item()
    bot = (x.abs() + y.abs()).clamp(min=eps).max().item()
    return top / bot


def assert_rel(actual, expected, tol=TOL, name='value'):
    """Same shape and dtype as the oracle, and rel_error below tol."""
    assert isinstance(actual, torch.Tensor), '%s: not a tensor but %r' % (name, type(actual))
    assert tuple(actual.shape) == tuple(expected.shape), \
        '%s: shape %s, expected %s' % (name, tuple(actual.shape), tuple(expected.shape))
    assert actual.dtype == expected.dtype, '%s: dtype %s, expected %s' % (name, actual.dtype, expected.dtype)
    err = rel_error(actual, expected)
    assert err < tol, '%s: rel_error %.3e >= %.0e' % (name, err, tol)


def assert_near_zero(actual, expected, atol=1e-12, name='value'):
    """For gradients that are mathematically zero (a bias feeding a batchnorm): both ~0."""
    assert tuple(actual.shape) == tuple(expected.shape), name
    assert actual.dtype == expected.dtype, name
    assert expected.abs().max().item() < atol, '%s: oracle not ~0 (%.3e)' % (name, expected.abs().max().item())
    assert actual.abs().max().item() < atol, '%s: %.3e should be ~0' % (name, actual.abs().max().item())


def gen(seed):
    return torch.Generator().manual_seed(seed)


def randn(g, *shape, scale=1.0, shift=0.0):
    return torch.randn(*shape, generator=g, dtype=DT) * scale + shift


def leaves(*tensors):
    return [t.detach().clone().requires_grad_(True) for t in tensors]


def autograd(fn, inputs, dout):
    """out = fn(*inputs) and d<out, dout>/d inputs, all in float64 through torch autograd."""
    xs = leaves(*inputs)
    out = fn(*xs)
    grads = torch.autograd.grad(out, xs, grad_outputs=dout)
    return out.detach(), [g.detach() for g in grads]


class Frozen(object):
    """Bit-exact snapshot of tensors, to prove a layer never writes into its inputs."""

    def __init__(self, **tensors):
        self.live = tensors
        self.copies = {k: v.detach().clone() for k, v in tensors.items()}

    def check(self, when=''):
        for k, v in self.live.items():
            assert torch.equal(v, self.copies[k]), '%s was modified in place %s' % (k, when)


def bn_formula(x, gamma, beta, eps, dims, mean=None, var=None):
    """Batch-norm written out with torch ops; mean/var given -> test mode (constants).

    dims are the reduced dims; gamma/beta are broadcast along the remaining (feature) dim 1.
    Returns (out, batch_mean, batch_var) with the uncorrected (1/N) variance.
    """
    shape = [1] * x.dim()
    shape[1] = x.shape[1]
    if mean is None:
        mean = x.mean(dim=dims, keepdim=True)
        var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)
    else:
        mean, var = mean.reshape(shape), var.reshape(shape)
    out = gamma.reshape(shape) * (x - mean) / torch.sqrt(var + eps) + beta.reshape(shape)
    return out, mean.reshape(-1), var.reshape(-1)


def assert_abs_scaled(actual, expected, scale, tol=1e-13, name='value'):
    """max|actual - expected| <= tol * scale, for results that are tiny through cancellation.

    Batch-norm dx with only 2 samples per feature and eps << var is ~eps/var times its natural
    scale (max|gamma * dout| / sqrt(var + eps)); every formula, autograd included, then carries
    ~1e-10 relative error, so the course metric is meaningless there and we bound the absolute
    error by the natural scale instead.
    """
    assert tuple(actual.shape) == tuple(expected.shape), name
    assert actual.dtype == expected.dtype, name
    err = (actual - expected).abs().max().item()
    assert err <= tol * scale, '%s: abs error %.3e > %.0e * %.3e' % (name, err, tol, scale)
