"""Sandwich layers vs autograd of the composed torch.nn.functional ops (float64)."""
import pytest
import torch.nn.functional as F

from ._helpers import Frozen, assert_near_zero, assert_rel, autograd, bn_formula, gen, randn

from reference import (Conv_BatchNorm_ReLU, Conv_BatchNorm_ReLU_Pool, Conv_ReLU,  # noqa: E402
                       Conv_ReLU_Pool, Linear_BatchNorm_ReLU)

# N, C, H, W, F, HH, WW, stride, pad
CONV_CASES = [
    (2, 3, 8, 8, 3, 3, 3, 1, 1),      # notebook check #8
    (3, 2, 7, 6, 4, 3, 2, 2, 1),
    (1, 2, 5, 9, 2, 1, 1, 1, 0),      # (C=1 with a 1x1 kernel would make BN invariant to w)
    (4, 3, 9, 7, 5, 5, 3, 3, 2),
]
# pool_height, pool_width, stride
POOLS = [(2, 2, 2), (3, 3, 2), (2, 3, 1), (2, 2, 1)]


def _conv_id(c):
    return 'N%dC%d_%dx%d_F%d_k%dx%d_s%d_p%d' % c


def _setup(case, seed, pool=None):
    N, C, H, W, F_, HH, WW, stride, pad = case
    g = gen(seed)
    x, w, b = randn(g, N, C, H, W), randn(g, F_, C, HH, WW), randn(g, F_)
    conv_param = {'stride': stride, 'pad': pad}
    h = 1 + (H + 2 * pad - HH) // stride
    wd = 1 + (W + 2 * pad - WW) // stride
    if pool is not None:
        ph, pw, ps = pool
        h, wd = 1 + (h - ph) // ps, 1 + (wd - pw) // ps
    return g, x, w, b, conv_param, randn(g, N, F_, h, wd)


def _pool_fits(case, pool):
    N, C, H, W, F_, HH, WW, stride, pad = case
    h = 1 + (H + 2 * pad - HH) // stride
    wd = 1 + (W + 2 * pad - WW) // stride
    return h >= pool[0] and wd >= pool[1]


POOLED = [(c, p) for c in CONV_CASES for p in POOLS if _pool_fits(c, p)]


@pytest.mark.parametrize('case', CONV_CASES, ids=_conv_id)
def test_conv_relu_vs_autograd(case):
    g, x, w, b, conv_param, dout = _setup(case, 1 + sum(case))
    s, p = conv_param['stride'], conv_param['pad']
    frozen = Frozen(x=x, w=w, b=b, dout=dout)
    out, cache = Conv_ReLU.forward(x, w, b, conv_param)
    dx, dw, db = Conv_ReLU.backward(dout, cache)
    frozen.check('by Conv_ReLU')
    ref_out, (rdx, rdw, rdb) = autograd(
        lambda x_, w_, b_: F.relu(F.conv2d(x_, w_, b_, stride=s, padding=p)), (x, w, b), dout)
    assert_rel(out, ref_out, 1e-13, 'out')
    assert_rel(dx, rdx, 1e-13, 'dx')
    assert_rel(dw, rdw, 1e-13, 'dw')
    assert_rel(db, rdb, 1e-13, 'db')


@pytest.mark.parametrize('case,pool', POOLED, ids=lambda v: _conv_id(v) if len(v) == 9 else 'pool%dx%d_s%d' % v)
def test_conv_relu_pool_vs_autograd(case, pool):
    g, x, w, b, conv_param, dout = _setup(case, 2 + sum(case) + sum(pool), pool)
    s, p = conv_param['stride'], conv_param['pad']
    pool_param = {'pool_height': pool[0], 'pool_width': pool[1], 'stride': pool[2]}
    frozen = Frozen(x=x, w=w, b=b, dout=dout)
    out, cache = Conv_ReLU_Pool.forward(x, w, b, conv_param, pool_param)
    dx, dw, db = Conv_ReLU_Pool.backward(dout, cache)
    frozen.check('by Conv_ReLU_Pool')

    def f(x_, w_, b_):
        a = F.relu(F.conv2d(x_, w_, b_, stride=s, padding=p))
        return F.max_pool2d(a, (pool[0], pool[1]), stride=pool[2])
    ref_out, (rdx, rdw, rdb) = autograd(f, (x, w, b), dout)
    assert_rel(out, ref_out, 1e-13, 'out')
    assert_rel(dx, rdx, 1e-13, 'dx')
    assert_rel(dw, rdw, 1e-13, 'dw')
    assert_rel(db, rdb, 1e-13, 'db')


@pytest.mark.parametrize('mode', ['train', 'test'])
@pytest.mark.parametrize('N,D,M', [(4, 5, 3), (10, 12, 7), (3, 2, 6)])
def test_linear_batchnorm_relu_vs_autograd(N, D, M, mode):
    g = gen(N * 100 + D * 10 + M)
    x, w, b = randn(g, N, D), randn(g, D, M), randn(g, M)
    gamma, beta, dout = randn(g, M), randn(g, M), randn(g, N, M)
    rm, rv = randn(g, M), randn(g, M).abs() + 0.5
    bn_param = {'mode': mode, 'running_mean': rm.clone(), 'running_var': rv.clone(), 'eps': 1e-4}
    frozen = Frozen(x=x, w=w, b=b, gamma=gamma, beta=beta, dout=dout)
    out, cache = Linear_BatchNorm_ReLU.forward(x, w, b, gamma, beta, bn_param)
    dx, dw, db, dgamma, dbeta = Linear_BatchNorm_ReLU.backward(dout, cache)
    frozen.check('by Linear_BatchNorm_ReLU')
    stats = {} if mode == 'train' else {'mean': rm, 'var': rv}

    def f(x_, w_, b_, g_, be_):
        return F.relu(bn_formula(x_ @ w_ + b_, g_, be_, 1e-4, 0, **stats)[0])
    ref_out, (rdx, rdw, rdb, rdg, rdbe) = autograd(f, (x, w, b, gamma, beta), dout)
    assert_rel(out, ref_out, 1e-13, 'out')
    assert_rel(dx, rdx, 1e-12, 'dx')
    assert_rel(dw, rdw, 1e-12, 'dw')
    if mode == 'train':   # a bias feeding a batchnorm in train mode has a zero gradient
        assert_near_zero(db, rdb, 1e-13, 'db')
    else:
        assert_rel(db, rdb, 1e-13, 'db')
    assert_rel(dgamma, rdg, 1e-13, 'dgamma')
    assert_rel(dbeta, rdbe, 1e-13, 'dbeta')
    if mode == 'train':
        _, mean, var = bn_formula(x @ w + b, gamma, beta, 1e-4, 0)
        assert_rel(bn_param['running_mean'], 0.9 * rm + 0.1 * mean, 1e-13, 'running_mean')
        assert_rel(bn_param['running_var'], 0.9 * rv + 0.1 * var, 1e-13, 'running_var')


def _conv_bn(s, p, stats, eps):
    def f(x_, w_, b_, g_, be_):
        return F.relu(bn_formula(F.conv2d(x_, w_, b_, stride=s, padding=p), g_, be_, eps, (0, 2, 3), **stats)[0])
    return f


@pytest.mark.parametrize('mode', ['train', 'test'])
@pytest.mark.parametrize('case', CONV_CASES, ids=_conv_id)
def test_conv_batchnorm_relu_vs_autograd(case, mode):
    g, x, w, b, conv_param, dout = _setup(case, 3 + sum(case))
    F_ = w.shape[0]
    gamma, beta = randn(g, F_), randn(g, F_)
    rm, rv = randn(g, F_), randn(g, F_).abs() + 0.5
    bn_param = {'mode': mode, 'running_mean': rm.clone(), 'running_var': rv.clone()}
    frozen = Frozen(x=x, w=w, b=b, gamma=gamma, beta=beta, dout=dout)
    out, cache = Conv_BatchNorm_ReLU.forward(x, w, b, gamma, beta, conv_param, bn_param)
    dx, dw, db, dgamma, dbeta = Conv_BatchNorm_ReLU.backward(dout, cache)
    frozen.check('by Conv_BatchNorm_ReLU')
    stats = {} if mode == 'train' else {'mean': rm, 'var': rv}
    f = _conv_bn(conv_param['stride'], conv_param['pad'], stats, 1e-5)
    ref_out, (rdx, rdw, rdb, rdg, rdbe) = autograd(f, (x, w, b, gamma, beta), dout)
    assert_rel(out, ref_out, 1e-13, 'out')
    assert_rel(dx, rdx, 1e-12, 'dx')
    assert_rel(dw, rdw, 1e-12, 'dw')
    if mode == 'train':
        assert_near_zero(db, rdb, 1e-12, 'db')
    else:
        assert_rel(db, rdb, 1e-13, 'db')
    assert_rel(dgamma, rdg, 1e-13, 'dgamma')
    assert_rel(dbeta, rdbe, 1e-13, 'dbeta')
    if mode == 'test':
        assert bn_param['running_mean'].equal(rm) and bn_param['running_var'].equal(rv)
    else:
        assert not bn_param['running_mean'].equal(rm)


@pytest.mark.parametrize('mode', ['train', 'test'])
@pytest.mark.parametrize('case,pool', POOLED[::2], ids=lambda v: _conv_id(v) if len(v) == 9 else 'pool%dx%d_s%d' % v)
def test_conv_batchnorm_relu_pool_vs_autograd(case, pool, mode):
    g, x, w, b, conv_param, dout = _setup(case, 4 + sum(case) + sum(pool), pool)
    F_ = w.shape[0]
    gamma, beta = randn(g, F_), randn(g, F_)
    rm, rv = randn(g, F_), randn(g, F_).abs() + 0.5
    bn_param = {'mode': mode, 'running_mean': rm.clone(), 'running_var': rv.clone(), 'momentum': 0.5}
    pool_param = {'pool_height': pool[0], 'pool_width': pool[1], 'stride': pool[2]}
    frozen = Frozen(x=x, w=w, b=b, gamma=gamma, beta=beta, dout=dout)
    out, cache = Conv_BatchNorm_ReLU_Pool.forward(x, w, b, gamma, beta, conv_param, bn_param, pool_param)
    dx, dw, db, dgamma, dbeta = Conv_BatchNorm_ReLU_Pool.backward(dout, cache)
    frozen.check('by Conv_BatchNorm_ReLU_Pool')
    stats = {} if mode == 'train' else {'mean': rm, 'var': rv}
    inner = _conv_bn(conv_param['stride'], conv_param['pad'], stats, 1e-5)

    def f(*args):
        return F.max_pool2d(inner(*args), (pool[0], pool[1]), stride=pool[2])
    ref_out, (rdx, rdw, rdb, rdg, rdbe) = autograd(f, (x, w, b, gamma, beta), dout)
    assert_rel(out, ref_out, 1e-13, 'out')
    assert_rel(dx, rdx, 1e-12, 'dx')
    assert_rel(dw, rdw, 1e-12, 'dw')
    if mode == 'train':
        assert_near_zero(db, rdb, 1e-12, 'db')
        a = F.conv2d(x, w, b, stride=conv_param['stride'], padding=conv_param['pad'])
        _, mean, var = bn_formula(a, gamma, beta, 1e-5, (0, 2, 3))
        assert_rel(bn_param['running_mean'], 0.5 * rm + 0.5 * mean, 1e-13, 'running_mean')
        assert_rel(bn_param['running_var'], 0.5 * rv + 0.5 * var, 1e-13, 'running_var')
    else:
        assert_rel(db, rdb, 1e-13, 'db')
    assert_rel(dgamma, rdg, 1e-13, 'dgamma')
    assert_rel(dbeta, rdbe, 1e-13, 'dbeta')
