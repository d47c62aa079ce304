"""BatchNorm and SpatialBatchNorm vs a batch-norm formula written with torch ops + autograd."""
import pytest
import torch
import torch.nn.functional as F

from ._helpers import DT, Frozen, assert_abs_scaled, assert_rel, autograd, bn_formula, gen, randn

from reference import BatchNorm, SpatialBatchNorm  # noqa: E402

BN_SHAPES = [(2, 3), (4, 5), (16, 7), (50, 3), (7, 1)]
# (eps, momentum); None = leave the key out so the default (1e-5, 0.9) applies
BN_HYPER = [(None, None), (1e-3, None), (None, 0.7), (0.5, 0.25)]


def _bn_param(mode, eps, momentum, **extra):
    p = {'mode': mode}
    if eps is not None:
        p['eps'] = eps
    if momentum is not None:
        p['momentum'] = momentum
    p.update(extra)
    return p


def _defaults(eps, momentum):
    return (1e-5 if eps is None else eps), (0.9 if momentum is None else momentum)


# ---------------------------------------------------------------- BatchNorm, train mode

@pytest.mark.parametrize('eps,momentum', BN_HYPER)
@pytest.mark.parametrize('N,D', BN_SHAPES)
def test_batchnorm_train_vs_autograd(N, D, eps, momentum):
    g = gen(N * 100 + D)
    x = randn(g, N, D, scale=5.0, shift=12.0)
    gamma, beta, dout = randn(g, D), randn(g, D), randn(g, N, D)
    rm0, rv0 = randn(g, D), randn(g, D).abs()
    e, m = _defaults(eps, momentum)
    bn_param = _bn_param('train', eps, momentum, running_mean=rm0.clone(), running_var=rv0.clone())

    frozen = Frozen(x=x, gamma=gamma, beta=beta, dout=dout)
    out, cache = BatchNorm.forward(x, gamma, beta, bn_param)
    frozen.check('by BatchNorm.forward')
    dx, dgamma, dbeta = BatchNorm.backward(dout, cache)
    frozen.check('by BatchNorm.backward')
    dx2, dgamma2, dbeta2 = BatchNorm.backward_alt(dout, cache)
    frozen.check('by BatchNorm.backward_alt')

    ref_out, (ref_dx, ref_dgamma, ref_dbeta) = autograd(
        lambda x_, g_, b_: bn_formula(x_, g_, b_, e, 0)[0], (x, gamma, beta), dout)
    _, mean, var = bn_formula(x, gamma, beta, e, 0)
    assert_rel(out, ref_out, 1e-13, 'out')
    checks = {'dgamma': (dgamma, dgamma2, ref_dgamma), 'dbeta': (dbeta, dbeta2, ref_dbeta)}
    if N == 2 and e < 1e-2:     # ill-conditioned: dx ~ eps/var of its scale (see assert_abs_scaled)
        scale = (dout * gamma).abs().max().item() / torch.sqrt(var + e).min().item()
        assert ref_dx.abs().max().item() < 1e-3 * scale   # the cancellation really happens
        assert_abs_scaled(dx, ref_dx, scale, 1e-14, 'dx (backward)')
        assert_abs_scaled(dx2, ref_dx, scale, 1e-14, 'dx (backward_alt)')
    else:
        checks['dx'] = (dx, dx2, ref_dx)
    for name, (a, a2, r) in checks.items():
        assert_rel(a, r, 1e-12, name + ' (backward)')
        assert_rel(a2, r, 1e-12, name + ' (backward_alt)')
        assert_rel(a, a2, 1e-12, name + ' (backward vs backward_alt)')
    # second oracle: torch's own functional batch_norm (training=True normalises with 1/N variance)
    tb = F.batch_norm(x, None, None, gamma, beta, training=True, eps=e)
    assert_rel(out, tb, 1e-12, 'out vs F.batch_norm')

    # running stats: momentum * running + (1 - momentum) * batch stat, uncorrected variance
    assert_rel(bn_param['running_mean'], m * rm0 + (1 - m) * mean, 1e-14, 'running_mean')
    assert_rel(bn_param['running_var'], m * rv0 + (1 - m) * var, 1e-14, 'running_var')
    if N > 1:   # the unbiased variance would be caught
        wrong = m * rv0 + (1 - m) * x.var(dim=0, unbiased=True)
        assert (bn_param['running_var'] - wrong).abs().max() > 1e-6


def test_batchnorm_train_normalises_per_feature():
    """Notebook check #14 shape: means -> beta, (1/N) stds -> gamma * sqrt(1 - eps')."""
    g = gen(14)
    x = randn(g, 200, 3) * torch.tensor([1.0, 5.0, 0.1], dtype=DT) + torch.tensor([3.0, -2.0, 40.0], dtype=DT)
    gamma, beta = torch.tensor([1.0, 2.0, 3.0], dtype=DT), torch.tensor([11.0, 12.0, 13.0], dtype=DT)
    out, _ = BatchNorm.forward(x, gamma, beta, {'mode': 'train'})
    assert_rel(out.mean(dim=0), beta, 1e-13, 'means')
    std = out.std(dim=0, unbiased=False)
    expected = gamma * torch.sqrt(x.var(dim=0, unbiased=False) / (x.var(dim=0, unbiased=False) + 1e-5))
    assert_rel(std, expected, 1e-12, 'stds')


def test_batchnorm_default_running_stats_are_zeros():
    g = gen(3)
    x, gamma, beta = randn(g, 6, 4, scale=2.0, shift=3.0), randn(g, 4), randn(g, 4)
    bn_param = {'mode': 'train'}
    BatchNorm.forward(x, gamma, beta, bn_param)
    rm, rv = bn_param['running_mean'], bn_param['running_var']
    assert rm.dtype == DT and rv.dtype == DT and rm.shape == (4,) and rv.shape == (4,)
    assert rm.device == x.device
    assert_rel(rm, 0.1 * x.mean(dim=0), 1e-14, 'running_mean from zeros')
    assert_rel(rv, 0.1 * ((x - x.mean(dim=0)) ** 2).mean(dim=0), 1e-14, 'running_var from zeros')


def test_batchnorm_test_mode_without_running_stats_uses_zeros():
    g = gen(4)
    x, gamma, beta = randn(g, 5, 3), randn(g, 3), randn(g, 3)
    bn_param = {'mode': 'test', 'eps': 1e-2}
    out, _ = BatchNorm.forward(x, gamma, beta, bn_param)
    assert_rel(out, gamma * x / (1e-2) ** 0.5 + beta, 1e-14, 'out with zero running stats')
    assert torch.count_nonzero(bn_param['running_mean']) == 0
    assert torch.count_nonzero(bn_param['running_var']) == 0


def test_batchnorm_running_stats_accumulate_over_calls():
    g = gen(5)
    D, m = 4, 0.8
    gamma, beta = randn(g, D), randn(g, D)
    bn_param = {'mode': 'train', 'momentum': m}
    rm, rv = torch.zeros(D, dtype=DT), torch.zeros(D, dtype=DT)
    for i in range(4):
        x = randn(g, 8, D, scale=1.0 + i, shift=float(i))
        BatchNorm.forward(x, gamma, beta, bn_param)
        rm = m * rm + (1 - m) * x.mean(dim=0)
        rv = m * rv + (1 - m) * ((x - x.mean(dim=0)) ** 2).mean(dim=0)
    assert_rel(bn_param['running_mean'], rm, 1e-14, 'running_mean')
    assert_rel(bn_param['running_var'], rv, 1e-14, 'running_var')


def test_batchnorm_running_stats_are_detached():
    g = gen(6)
    x, gamma, beta = leaves_req(randn(g, 5, 3)), leaves_req(randn(g, 3)), leaves_req(randn(g, 3))
    bn_param = {'mode': 'train'}
    out, _ = BatchNorm.forward(x, gamma, beta, bn_param)
    assert not bn_param['running_mean'].requires_grad
    assert not bn_param['running_var'].requires_grad


def leaves_req(t):
    return t.clone().requires_grad_(True)


# ---------------------------------------------------------------- BatchNorm, test mode

@pytest.mark.parametrize('eps,momentum', BN_HYPER)
@pytest.mark.parametrize('N,D', BN_SHAPES)
def test_batchnorm_test_mode_vs_autograd(N, D, eps, momentum):
    g = gen(N * 1000 + D + 1)
    x = randn(g, N, D, scale=3.0, shift=-2.0)
    gamma, beta, dout = randn(g, D), randn(g, D), randn(g, N, D)
    rm, rv = randn(g, D), randn(g, D).abs() + 0.1
    e, _ = _defaults(eps, momentum)
    bn_param = _bn_param('test', eps, momentum, running_mean=rm.clone(), running_var=rv.clone())

    frozen = Frozen(x=x, gamma=gamma, beta=beta, dout=dout)
    out, cache = BatchNorm.forward(x, gamma, beta, bn_param)
    dx, dgamma, dbeta = BatchNorm.backward(dout, cache)
    dx2, dgamma2, dbeta2 = BatchNorm.backward_alt(dout, cache)
    frozen.check('by BatchNorm (test mode)')
    assert torch.equal(bn_param['running_mean'], rm), 'test mode must not update running_mean'
    assert torch.equal(bn_param['running_var'], rv), 'test mode must not update running_var'

    ref_out, (ref_dx, ref_dgamma, ref_dbeta) = autograd(
        lambda x_, g_, b_: bn_formula(x_, g_, b_, e, 0, mean=rm, var=rv)[0], (x, gamma, beta), dout)
    assert_rel(out, ref_out, 1e-13, 'out')
    for name, (a, a2, r) in {'dx': (dx, dx2, ref_dx), 'dgamma': (dgamma, dgamma2, ref_dgamma),
                             'dbeta': (dbeta, dbeta2, ref_dbeta)}.items():
        assert_rel(a, r, 1e-13, name + ' (backward)')
        assert_rel(a2, r, 1e-13, name + ' (backward_alt)')
    tb = F.batch_norm(x, rm, rv, gamma, beta, training=False, eps=e)
    assert_rel(out, tb, 1e-13, 'out vs F.batch_norm eval')


def test_batchnorm_test_mode_after_training_normalises():
    """Notebook check #15 in miniature: many train calls, then test mode gives ~N(0, 1) features."""
    g = gen(15)
    W1, W2 = randn(g, 10, 12), randn(g, 12, 3)
    gamma, beta = torch.ones(3, dtype=DT), torch.zeros(3, dtype=DT)
    bn_param = {'mode': 'train'}
    for _ in range(100):
        a = torch.relu(randn(g, 100, 10) @ W1) @ W2
        BatchNorm.forward(a, gamma, beta, bn_param)
    bn_param['mode'] = 'test'
    a = torch.relu(randn(g, 2000, 10) @ W1) @ W2
    out, _ = BatchNorm.forward(a, gamma, beta, bn_param)
    assert out.mean(dim=0).abs().max() < 0.15
    assert (out.std(dim=0) - 1).abs().max() < 0.15


@pytest.mark.parametrize('mode', ['eval', 'Train', 'TEST', '', None])
def test_batchnorm_invalid_mode_raises(mode):
    g = gen(8)
    x, gamma, beta = randn(g, 4, 3), randn(g, 3), randn(g, 3)
    with pytest.raises(ValueError):
        BatchNorm.forward(x, gamma, beta, {'mode': mode})
    with pytest.raises(ValueError):
        SpatialBatchNorm.forward(randn(g, 2, 3, 2, 2), gamma, beta, {'mode': mode})


def test_backward_and_backward_alt_large_batch_agree():
    """Notebook check #17: N, D = 128, 2048."""
    g = gen(17)
    x = randn(g, 128, 2048, scale=5.0, shift=12.0)
    gamma, beta, dout = randn(g, 2048), randn(g, 2048), randn(g, 128, 2048)
    _, cache = BatchNorm.forward(x, gamma, beta, {'mode': 'train'})
    for a, b, n in zip(BatchNorm.backward(dout, cache), BatchNorm.backward_alt(dout, cache),
                       ('dx', 'dgamma', 'dbeta')):
        assert_rel(a, b, 1e-12, n)


# ---------------------------------------------------------------- SpatialBatchNorm

SBN_SHAPES = [(2, 3, 4, 5), (1, 2, 3, 3), (3, 4, 2, 6), (4, 1, 5, 2), (2, 5, 1, 1)]


@pytest.mark.parametrize('eps,momentum', [(None, None), (1e-2, 0.6)])
@pytest.mark.parametrize('shape', SBN_SHAPES)
def test_spatial_batchnorm_train_vs_autograd(shape, eps, momentum):
    N, C, H, W = shape
    g = gen(N * 1000 + C * 100 + H * 10 + W)
    # very different per-channel statistics, so a channel/layout mix-up cannot go unnoticed
    x = randn(g, N, C, H, W) * (1 + torch.arange(C, dtype=DT)).reshape(1, C, 1, 1) ** 2 \
        + (10.0 * torch.arange(C, dtype=DT)).reshape(1, C, 1, 1)
    gamma, beta, dout = randn(g, C), randn(g, C), randn(g, N, C, H, W)
    rm0, rv0 = randn(g, C), randn(g, C).abs()
    e, m = _defaults(eps, momentum)
    bn_param = _bn_param('train', eps, momentum, running_mean=rm0.clone(), running_var=rv0.clone())

    frozen = Frozen(x=x, gamma=gamma, beta=beta, dout=dout)
    out, cache = SpatialBatchNorm.forward(x, gamma, beta, bn_param)
    frozen.check('by SpatialBatchNorm.forward')
    dx, dgamma, dbeta = SpatialBatchNorm.backward(dout, cache)
    frozen.check('by SpatialBatchNorm.backward')

    ref_out, (ref_dx, ref_dgamma, ref_dbeta) = autograd(
        lambda x_, g_, b_: bn_formula(x_, g_, b_, e, (0, 2, 3))[0], (x, gamma, beta), dout)
    _, mean, var = bn_formula(x, gamma, beta, e, (0, 2, 3))
    assert_rel(out, ref_out, 1e-13, 'out')
    if N * H * W == 2 and e < 1e-2:     # ill-conditioned, see assert_abs_scaled
        scale = (dout * gamma.reshape(1, C, 1, 1)).abs().max().item() / torch.sqrt(var + e).min().item()
        assert_abs_scaled(dx, ref_dx, scale, 1e-14, 'dx')
    else:
        assert_rel(dx, ref_dx, 1e-12, 'dx')
    assert_rel(dgamma, ref_dgamma, 1e-12, 'dgamma')
    assert_rel(dbeta, ref_dbeta, 1e-13, 'dbeta')
    assert_rel(out, F.batch_norm(x, None, None, gamma, beta, training=True, eps=e), 1e-12, 'vs F.batch_norm')
    assert bn_param['running_mean'].shape == (C,) and bn_param['running_var'].shape == (C,)
    assert_rel(bn_param['running_mean'], m * rm0 + (1 - m) * mean, 1e-14, 'running_mean')
    assert_rel(bn_param['running_var'], m * rv0 + (1 - m) * var, 1e-14, 'running_var')


@pytest.mark.parametrize('shape', SBN_SHAPES)
def test_spatial_batchnorm_test_mode_vs_autograd(shape):
    N, C, H, W = shape
    g = gen(7 + N * 1000 + C * 100 + H * 10 + W)
    x = randn(g, N, C, H, W, scale=2.3, shift=13.0)
    gamma, beta, dout = randn(g, C), randn(g, C), randn(g, N, C, H, W)
    rm, rv = randn(g, C, shift=13.0), randn(g, C).abs() + 1.0
    bn_param = {'mode': 'test', 'running_mean': rm.clone(), 'running_var': rv.clone(), 'eps': 1e-4}
    frozen = Frozen(x=x, gamma=gamma, beta=beta, dout=dout)
    out, cache = SpatialBatchNorm.forward(x, gamma, beta, bn_param)
    dx, dgamma, dbeta = SpatialBatchNorm.backward(dout, cache)
    frozen.check('by SpatialBatchNorm (test mode)')
    assert torch.equal(bn_param['running_mean'], rm) and torch.equal(bn_param['running_var'], rv)
    ref_out, (ref_dx, ref_dgamma, ref_dbeta) = autograd(
        lambda x_, g_, b_: bn_formula(x_, g_, b_, 1e-4, (0, 2, 3), mean=rm, var=rv)[0], (x, gamma, beta), dout)
    assert_rel(out, ref_out, 1e-13, 'out')
    assert_rel(dx, ref_dx, 1e-13, 'dx')
    assert_rel(dgamma, ref_dgamma, 1e-13, 'dgamma')
    assert_rel(dbeta, ref_dbeta, 1e-13, 'dbeta')


def test_spatial_batchnorm_default_running_stats_are_zeros():
    g = gen(19)
    x = randn(g, 3, 4, 5, 2, scale=2.0, shift=1.0)
    gamma, beta = torch.ones(4, dtype=DT), torch.zeros(4, dtype=DT)
    bn_param = {'mode': 'train'}
    out, _ = SpatialBatchNorm.forward(x, gamma, beta, bn_param)
    assert_rel(bn_param['running_mean'], 0.1 * x.mean(dim=(0, 2, 3)), 1e-14, 'running_mean')
    assert_rel(bn_param['running_var'], 0.1 * x.var(dim=(0, 2, 3), unbiased=False), 1e-14, 'running_var')
    # per-channel means -> 0, (1/N) stds -> ~1 (notebook check #18)
    assert out.mean(dim=(0, 2, 3)).abs().max() < 1e-13
    assert (out.std(dim=(0, 2, 3), unbiased=False) - 1).abs().max() < 1e-4
