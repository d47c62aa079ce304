"""Conv, MaxPool, FastConv, FastMaxPool, Linear, ReLU, Linear_ReLU vs torch autograd (float64)."""
import itertools

import pytest
import torch
import torch.nn.functional as F

from ._helpers import DT, Frozen, assert_rel, autograd, gen, randn, rel_error

from reference import Conv, FastConv, FastMaxPool, Linear, Linear_ReLU, MaxPool, ReLU  # noqa: E402


# ---------------------------------------------------------------- Conv

def _conv_cases():
    sizes = [(7, 6), (5, 9)]
    kernels = [(3, 2), (1, 1), (5, 3), (3, 3)]
    cases = []
    for i, (stride, pad, (H, W), (HH, WW)) in enumerate(
            itertools.product([1, 2, 3], [0, 1, 2], sizes, kernels)):
        N = 1 + i % 4
        C = 1 + i % 3
        F_ = 1 + i % 5
        cases.append((N, C, H, W, F_, HH, WW, stride, pad))
    return cases


CONV_CASES = _conv_cases()


def _conv_id(c):
    N, C, H, W, F_, HH, WW, s, p = c
    return 'N%dC%d_%dx%d_F%d_k%dx%d_s%d_p%d' % (N, C, H, W, F_, HH, WW, s, p)


def test_conv_grid_covers_the_awkward_cases():
    """The grid must contain strides that do not divide (H + 2 pad - HH), on both axes."""
    rem_h = [c for c in CONV_CASES if (c[2] + 2 * c[8] - c[5]) % c[7] != 0]
    rem_w = [c for c in CONV_CASES if (c[3] + 2 * c[8] - c[6]) % c[7] != 0]
    assert len(rem_h) >= 10 and len(rem_w) >= 10
    assert {c[0] for c in CONV_CASES} == {1, 2, 3, 4}
    assert {c[4] for c in CONV_CASES} == {1, 2, 3, 4, 5}


@pytest.mark.parametrize('case', CONV_CASES, ids=_conv_id)
def test_conv_forward_backward_vs_autograd(case):
    N, C, H, W, F_, HH, WW, stride, pad = case
    g = gen(hash(case) % (2 ** 31))
    x, w, b = randn(g, N, C, H, W), randn(g, F_, C, HH, WW), randn(g, F_)
    conv_param = {'stride': stride, 'pad': pad}
    h_out = 1 + (H + 2 * pad - HH) // stride
    w_out = 1 + (W + 2 * pad - WW) // stride
    dout = randn(g, N, F_, h_out, w_out)

    frozen = Frozen(x=x, w=w, b=b, dout=dout)
    out, cache = Conv.forward(x, w, b, conv_param)
    frozen.check('by Conv.forward')
    dx, dw, db = Conv.backward(dout, cache)
    frozen.check('by Conv.backward')
    assert conv_param == {'stride': stride, 'pad': pad}

    ref_out, (ref_dx, ref_dw, ref_db) = autograd(
        lambda x_, w_, b_: F.conv2d(x_, w_, b_, stride=stride, padding=pad), (x, w, b), dout)
    assert tuple(ref_out.shape) == (N, F_, h_out, w_out)
    assert_rel(out, ref_out, 1e-13, 'out')
    assert_rel(dx, ref_dx, 1e-13, 'dx')
    assert_rel(dw, ref_dw, 1e-13, 'dw')
    assert_rel(db, ref_db, 1e-13, 'db')


def test_conv_course_fixture():
    """Notebook check #1: fixed linspace inputs, stride 2, pad 1 (values rounded to 8 dp)."""
    x = torch.linspace(-0.1, 0.5, steps=2 * 3 * 4 * 4, dtype=DT).reshape(2, 3, 4, 4)
    w = torch.linspace(-0.2, 0.3, steps=3 * 3 * 4 * 4, dtype=DT).reshape(3, 3, 4, 4)
    b = torch.linspace(-0.1, 0.2, steps=3, dtype=DT)
    out, _ = Conv.forward(x, w, b, {'stride': 2, 'pad': 1})
    correct_out = torch.tensor(
        [[[[-0.08759809, -0.10987781], [-0.18387192, -0.2109216]],
          [[0.21027089, 0.21661097], [0.22847626, 0.23004637]],
          [[0.50813986, 0.54309974], [0.64082444, 0.67101435]]],
         [[[-0.98053589, -1.03143541], [-1.19128892, -1.24695841]],
          [[0.69108355, 0.66880383], [0.59480972, 0.56776003]],
          [[2.36270298, 2.36904306], [2.38090835, 2.38247847]]]], dtype=DT)
    assert rel_error(out, correct_out) < 1e-7


def test_conv_asymmetric_padding_would_be_caught():
    """Meta-check of the oracle: one-sided padding changes the result by far more than 1e-12."""
    g = gen(7)
    x, w, b = randn(g, 2, 3, 7, 6), randn(g, 4, 3, 3, 3), randn(g, 4)
    good = F.conv2d(x, w, b, stride=2, padding=1)
    bad = F.conv2d(F.pad(x, (2, 0, 2, 0)), w, b, stride=2)
    out, _ = Conv.forward(x, w, b, {'stride': 2, 'pad': 1})
    assert good.shape == bad.shape and rel_error(good, bad) > 1e-2
    assert rel_error(out, good) < 1e-13 and rel_error(out, bad) > 1e-2


def test_conv_noncontiguous_input():
    g = gen(11)
    x = randn(g, 2, 3, 6, 7).transpose(2, 3)      # (2, 3, 7, 6), not contiguous
    w, b = randn(g, 2, 3, 3, 2), randn(g, 2)
    out, cache = Conv.forward(x, w, b, {'stride': 2, 'pad': 1})
    assert tuple(out.shape) == (2, 2, 4, 4)
    dout = randn(g, *out.shape)
    dx, dw, db = Conv.backward(dout, cache)
    ref_out, (ref_dx, ref_dw, ref_db) = autograd(
        lambda x_, w_, b_: F.conv2d(x_, w_, b_, stride=2, padding=1), (x, w, b), dout)
    for a, e, n in [(out, ref_out, 'out'), (dx, ref_dx, 'dx'), (dw, ref_dw, 'dw'), (db, ref_db, 'db')]:
        assert_rel(a, e, 1e-13, n)


# ---------------------------------------------------------------- MaxPool

POOL_CASES = [
    # N, C, H, W, pool_height, pool_width, stride
    (2, 3, 8, 8, 2, 2, 2),      # non-overlapping
    (3, 2, 8, 6, 2, 2, 2),      # non-overlapping, non-square input
    (2, 2, 7, 9, 3, 3, 2),      # overlapping 3x3/2
    (3, 2, 6, 5, 2, 2, 1),      # overlapping 2x2/1
    (1, 3, 9, 7, 2, 2, 3),      # stride > pool (gaps)
    (2, 2, 8, 9, 3, 2, 2),      # (H - ph) % stride != 0
    (2, 2, 7, 8, 2, 3, 1),      # non-square pool, stride 1
    (2, 2, 8, 7, 2, 3, 2),      # non-square pool, stride 2
    (4, 1, 5, 9, 3, 2, 2),
    (1, 1, 9, 5, 3, 1, 2),
    (2, 3, 5, 6, 1, 1, 2),      # 1x1 pool = subsampling
    (1, 2, 4, 6, 4, 6, 1),      # global pool
    (2, 1, 10, 7, 4, 3, 3),
]


def _pool_id(c):
    return 'N%dC%d_%dx%d_p%dx%d_s%d' % c


@pytest.mark.parametrize('case', POOL_CASES, ids=_pool_id)
def test_maxpool_forward_backward_vs_autograd(case):
    N, C, H, W, ph, pw, stride = case
    g = gen(sum(case) * 31 + 5)
    x = randn(g, N, C, H, W)
    pool_param = {'pool_height': ph, 'pool_width': pw, 'stride': stride}
    h_out, w_out = 1 + (H - ph) // stride, 1 + (W - pw) // stride
    dout = randn(g, N, C, h_out, w_out)

    frozen = Frozen(x=x, dout=dout)
    out, cache = MaxPool.forward(x, pool_param)
    frozen.check('by MaxPool.forward')
    dx = MaxPool.backward(dout, cache)
    frozen.check('by MaxPool.backward')
    assert isinstance(dx, torch.Tensor), 'MaxPool.backward returns a single tensor'

    ref_out, (ref_dx,) = autograd(lambda x_: F.max_pool2d(x_, (ph, pw), stride=stride), (x,), dout)
    assert torch.equal(out, ref_out), 'max pooling forward must be exact'
    assert_rel(dx, ref_dx, 1e-15, 'dx')
    # the gradient lands on the argmax only: the support of dx is a subset of the selected elements
    n_selected = int((ref_dx != 0).sum())
    assert int((dx != 0).sum()) == n_selected


def test_maxpool_course_fixture():
    """Notebook check #4: linspace input, 2x2 stride 2."""
    x = torch.linspace(-0.3, 0.4, steps=2 * 3 * 4 * 4, dtype=DT).reshape(2, 3, 4, 4)
    out, _ = MaxPool.forward(x, {'pool_width': 2, 'pool_height': 2, 'stride': 2})
    correct_out = torch.tensor(
        [[[[-0.26315789, -0.24842105], [-0.20421053, -0.18947368]],
          [[-0.14526316, -0.13052632], [-0.08631579, -0.07157895]],
          [[-0.02736842, -0.01263158], [0.03157895, 0.04631579]]],
         [[[0.09052632, 0.10526316], [0.14947368, 0.16421053]],
          [[0.20842105, 0.22315789], [0.26736842, 0.28210526]],
          [[0.32631579, 0.34105263], [0.38526316, 0.4]]]], dtype=DT)
    assert rel_error(out, correct_out) < 1e-7


def test_maxpool_overlap_accumulates():
    """One global maximum shared by every overlapping window collects all their upstream grads."""
    x = torch.zeros(1, 1, 3, 3, dtype=DT) - 1.0
    x[0, 0, 1, 1] = 5.0
    out, cache = MaxPool.forward(x, {'pool_height': 2, 'pool_width': 2, 'stride': 1})
    assert torch.equal(out, torch.full((1, 1, 2, 2), 5.0, dtype=DT))
    dout = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]], dtype=DT)
    dx = MaxPool.backward(dout, cache)
    expected = torch.zeros(1, 1, 3, 3, dtype=DT)
    expected[0, 0, 1, 1] = 10.0
    assert torch.equal(dx, expected)


# ---------------------------------------------------------------- Fast layers agree with the naive ones

@pytest.mark.parametrize('case', CONV_CASES[::5], ids=_conv_id)
def test_fastconv_agrees_with_conv(case):
    N, C, H, W, F_, HH, WW, stride, pad = case
    g = gen(1000 + hash(case) % 1000)
    x, w, b = randn(g, N, C, H, W), randn(g, F_, C, HH, WW), randn(g, F_)
    conv_param = {'stride': stride, 'pad': pad}
    out, cache = Conv.forward(x, w, b, conv_param)
    dout = randn(g, *out.shape)
    frozen = Frozen(x=x, w=w, b=b, dout=dout)
    fout, fcache = FastConv.forward(x, w, b, conv_param)
    fdx, fdw, fdb = FastConv.backward(dout, fcache)
    frozen.check('by FastConv')
    dx, dw, db = Conv.backward(dout, cache)
    assert_rel(out, fout.detach(), 1e-13, 'out')
    assert_rel(dx, fdx, 1e-13, 'dx')
    assert_rel(dw, fdw, 1e-13, 'dw')
    assert_rel(db, fdb, 1e-13, 'db')


def test_fastconv_course_sizes():
    """Notebook check #6: x (10,3,31,31), w (25,3,3,3), stride 2, pad 1."""
    g = gen(6)
    x, w, b = randn(g, 10, 3, 31, 31), randn(g, 25, 3, 3, 3), randn(g, 25)
    dout = randn(g, 10, 25, 16, 16)
    conv_param = {'stride': 2, 'pad': 1}
    out, cache = Conv.forward(x, w, b, conv_param)
    fout, fcache = FastConv.forward(x, w, b, conv_param)
    assert_rel(out, fout.detach(), 1e-13, 'out')
    for a, e, n in zip(Conv.backward(dout, cache), FastConv.backward(dout, fcache), ('dx', 'dw', 'db')):
        assert_rel(a, e, 1e-13, n)


def test_fastconv_second_backward_returns_zeros():
    """The provided FastConv swallows the RuntimeError of a second backward and returns zeros."""
    g = gen(12)
    x, w, b = randn(g, 2, 3, 5, 5), randn(g, 2, 3, 3, 3), randn(g, 2)
    out, cache = FastConv.forward(x, w, b, {'stride': 1, 'pad': 1})
    dout = randn(g, *out.shape)
    first = FastConv.backward(dout, cache)
    assert all(t.abs().max() > 0 for t in first)
    second = FastConv.backward(dout, cache)
    assert [tuple(t.shape) for t in second] == [tuple(x.shape), tuple(w.shape), tuple(b.shape)]
    assert all(torch.count_nonzero(t) == 0 for t in second)


@pytest.mark.parametrize('case', POOL_CASES, ids=_pool_id)
def test_fastmaxpool_agrees_with_maxpool(case):
    N, C, H, W, ph, pw, stride = case
    g = gen(2000 + sum(case))
    x = randn(g, N, C, H, W)
    pool_param = {'pool_height': ph, 'pool_width': pw, 'stride': stride}
    out, cache = MaxPool.forward(x, pool_param)
    dout = randn(g, *out.shape)
    frozen = Frozen(x=x, dout=dout)
    fout, fcache = FastMaxPool.forward(x, pool_param)
    fdx = FastMaxPool.backward(dout, fcache)
    frozen.check('by FastMaxPool')
    dx = MaxPool.backward(dout, cache)
    assert torch.equal(out, fout.detach())
    if stride >= max(ph, pw):       # no overlap: each dx element receives at most one term
        assert torch.equal(dx, fdx)
    else:
        assert_rel(dx, fdx, 1e-15, 'dx')


def test_fastmaxpool_course_sizes_exact():
    """Notebook check #7: x (40,3,32,32), 2x2/2 -> difference exactly 0."""
    g = gen(7)
    x, dout = randn(g, 40, 3, 32, 32), randn(g, 40, 3, 16, 16)
    pool_param = {'pool_height': 2, 'pool_width': 2, 'stride': 2}
    out, cache = MaxPool.forward(x, pool_param)
    fout, fcache = FastMaxPool.forward(x, pool_param)
    assert torch.equal(out, fout.detach())
    assert torch.equal(MaxPool.backward(dout, cache), FastMaxPool.backward(dout, fcache))


# ---------------------------------------------------------------- Linear / ReLU / Linear_ReLU

LINEAR_CASES = [((1, 4), 3), ((3, 5), 1), ((4, 2, 3, 4), 6), ((2, 7, 3), 5)]


@pytest.mark.parametrize('xshape,M', LINEAR_CASES)
def test_linear_vs_autograd(xshape, M):
    g = gen(sum(xshape) + M)
    D = 1
    for s in xshape[1:]:
        D *= s
    x, w, b = randn(g, *xshape), randn(g, D, M), randn(g, M)
    dout = randn(g, xshape[0], M)
    frozen = Frozen(x=x, w=w, b=b, dout=dout)
    out, cache = Linear.forward(x, w, b)
    dx, dw, db = Linear.backward(dout, cache)
    frozen.check('by Linear')
    ref_out, (ref_dx, ref_dw, ref_db) = autograd(
        lambda x_, w_, b_: x_.reshape(x_.shape[0], -1) @ w_ + b_, (x, w, b), dout)
    assert_rel(out, ref_out, 1e-14, 'out')
    assert_rel(dx, ref_dx, 1e-14, 'dx')
    assert_rel(dw, ref_dw, 1e-14, 'dw')
    assert_rel(db, ref_db, 1e-14, 'db')


@pytest.mark.parametrize('shape', [(5,), (3, 4), (2, 3, 4, 5)])
def test_relu_vs_autograd(shape):
    g = gen(len(shape))
    x = randn(g, *shape)
    x.view(-1)[::3] = 0.0                       # exact zeros: derivative convention is 0 at 0
    dout = randn(g, *shape)
    frozen = Frozen(x=x, dout=dout)
    out, cache = ReLU.forward(x)
    dx = ReLU.backward(dout, cache)
    frozen.check('by ReLU')
    ref_out, (ref_dx,) = autograd(F.relu, (x,), dout)
    assert torch.equal(out, ref_out)
    assert torch.equal(dx, ref_dx)
    assert torch.equal(dx, dout * (x > 0).to(DT))


@pytest.mark.parametrize('xshape,M', LINEAR_CASES)
def test_linear_relu_vs_autograd(xshape, M):
    g = gen(100 + sum(xshape) + M)
    D = 1
    for s in xshape[1:]:
        D *= s
    x, w, b = randn(g, *xshape), randn(g, D, M), randn(g, M)
    dout = randn(g, xshape[0], M)
    frozen = Frozen(x=x, w=w, b=b, dout=dout)
    out, cache = Linear_ReLU.forward(x, w, b)
    dx, dw, db = Linear_ReLU.backward(dout, cache)
    frozen.check('by Linear_ReLU')
    ref_out, (ref_dx, ref_dw, ref_db) = autograd(
        lambda x_, w_, b_: F.relu(x_.reshape(x_.shape[0], -1) @ w_ + b_), (x, w, b), dout)
    assert_rel(out, ref_out, 1e-14, 'out')
    assert_rel(dx, ref_dx, 1e-14, 'dx')
    assert_rel(dw, ref_dw, 1e-14, 'dw')
    assert_rel(db, ref_db, 1e-14, 'db')


def test_maxpool_ties_route_each_window_to_one_element():
    """With tied maxima every window still sends its upstream gradient to exactly one element."""
    x = torch.zeros(2, 3, 6, 4, dtype=DT)
    x[:, :, 3:, :] = 1.0
    out, cache = MaxPool.forward(x, {'pool_height': 2, 'pool_width': 2, 'stride': 2})
    dout = randn(gen(13), 2, 3, 3, 2).abs() + 1.0
    dx = MaxPool.backward(dout, cache)
    assert torch.equal(out, F.max_pool2d(x, 2, 2))
    assert int((dx != 0).sum()) == dout.numel()
    assert_rel(dx.sum(dim=(2, 3)), dout.sum(dim=(2, 3)), 1e-15, 'gradient mass per map')
    assert torch.equal(torch.sort(dx[dx != 0]).values, torch.sort(dout.flatten()).values)
