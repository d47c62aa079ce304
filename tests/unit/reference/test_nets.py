"""ThreeLayerConvNet, DeepConvNet and kaiming_initializer vs an independent autograd network."""
import math

import pytest
import torch
import torch.nn.functional as F

from ._helpers import DT, assert_near_zero, assert_rel, bn_formula, gen, randn, rel_error

from reference import DeepConvNet, ThreeLayerConvNet, kaiming_initializer  # noqa: E402


def _labels(g, N, C):
    return torch.randint(C, (N,), generator=g)


def _grads_of(loss_fn, params):
    """loss and d loss / d params (dict) through autograd."""
    names = sorted(params)
    xs = {n: params[n].detach().clone().requires_grad_(True) for n in names}
    loss = loss_fn(xs)
    grads = torch.autograd.grad(loss, [xs[n] for n in names])
    return loss.detach(), dict(zip(names, grads))


def _l2(p, names, reg):
    return reg * sum((p[n] ** 2).sum() for n in names)


# ---------------------------------------------------------------- ThreeLayerConvNet

def three_layer_oracle(p, X, y, reg):
    fs = p['W1'].shape[2]
    h = F.max_pool2d(F.relu(F.conv2d(X, p['W1'], p['b1'], stride=1, padding=(fs - 1) // 2)), 2, stride=2)
    h = F.relu(h.flatten(1) @ p['W2'] + p['b2'])
    scores = h @ p['W3'] + p['b3']
    if y is None:
        return scores
    return F.cross_entropy(scores, y) + _l2(p, ('W1', 'W2', 'W3'), reg)


THREE_CASES = [
    # input_dims, num_filters, filter_size, hidden_dim, num_classes
    ((3, 8, 8), 3, 3, 7, 10),
    ((2, 7, 9), 4, 5, 6, 4),
    ((1, 6, 10), 2, 1, 5, 3),
    ((3, 16, 16), 3, 3, 7, 10),    # notebook check #11 sizes
]


@pytest.mark.parametrize('reg', [0.0, 3.14])
@pytest.mark.parametrize('case', THREE_CASES, ids=lambda c: 'in%s_f%d_k%d_h%d_c%d' % ((c[0],) + c[1:]))
def test_three_layer_loss_and_grads_vs_autograd(case, reg):
    dims, nf, fs, hidden, classes = case
    torch.manual_seed(sum(dims) + nf + fs)
    model = ThreeLayerConvNet(input_dims=dims, num_filters=nf, filter_size=fs, hidden_dim=hidden,
                              num_classes=classes, weight_scale=5e-1, reg=reg, dtype=DT)
    # non-zero biases so that a dropped bias term cannot pass
    g = gen(3 + nf)
    for n in ('b1', 'b2', 'b3'):
        model.params[n] = randn(g, *model.params[n].shape, scale=0.1)
    X, y = randn(g, 3, *dims), _labels(g, 3, classes)
    before = {k: v.clone() for k, v in model.params.items()}

    loss, grads = model.loss(X, y)
    ref_loss, ref_grads = _grads_of(lambda p: three_layer_oracle(p, X, y, reg), model.params)
    assert set(grads) == set(model.params)
    assert torch.is_tensor(loss) and loss.dim() == 0 or isinstance(loss, float)
    assert rel_error(torch.as_tensor(loss, dtype=DT), ref_loss) < 1e-13
    for n in model.params:
        assert_rel(grads[n], ref_grads[n], 1e-12, n)
        assert torch.equal(model.params[n], before[n]), '%s changed by loss()' % n

    scores = model.loss(X)
    assert_rel(scores, three_layer_oracle(model.params, X, None, reg), 1e-13, 'scores')


def test_three_layer_param_shapes_and_init():
    torch.manual_seed(0)
    model = ThreeLayerConvNet(input_dims=(3, 10, 6), num_filters=5, filter_size=3, hidden_dim=7,
                              num_classes=4, dtype=DT)
    shapes = {k: tuple(v.shape) for k, v in model.params.items()}
    assert shapes == {'W1': (5, 3, 3, 3), 'b1': (5,), 'W2': (5 * 5 * 3, 7), 'b2': (7,),
                      'W3': (7, 4), 'b3': (4,)}
    assert model.reg == 0.0 and model.dtype == DT
    for v in model.params.values():
        assert v.dtype == DT and v.device.type == 'cpu'
    for n in ('b1', 'b2', 'b3'):
        assert torch.count_nonzero(model.params[n]) == 0


def test_three_layer_default_init_statistics():
    torch.manual_seed(1)
    ws = 2e-2
    model = ThreeLayerConvNet(weight_scale=ws)           # defaults: (3,32,32), 32 filters of 7x7, hidden 100
    p = model.params
    assert tuple(p['W1'].shape) == (32, 3, 7, 7)
    assert tuple(p['W2'].shape) == (32 * 16 * 16, 100)
    assert tuple(p['W3'].shape) == (100, 10)
    for v in p.values():
        assert v.dtype == torch.float32
    for n, tol in (('W1', 0.05), ('W2', 0.01), ('W3', 0.12)):
        w = p[n].double()
        assert abs(w.std().item() / ws - 1) < tol, n
        assert abs(w.mean().item()) < 5 * ws / math.sqrt(w.numel()), n


def test_three_layer_reg_has_no_half_factor():
    torch.manual_seed(2)
    model = ThreeLayerConvNet(input_dims=(3, 8, 8), num_filters=3, filter_size=3, hidden_dim=7,
                              weight_scale=1e-1, dtype=DT)
    g = gen(2)
    X, y = randn(g, 4, 3, 8, 8), _labels(g, 4, 10)
    l0, g0 = model.loss(X, y)
    model.reg = 0.7                  # read at call time
    l1, g1 = model.loss(X, y)
    p = model.params
    wsum = sum((p[n] ** 2).sum() for n in ('W1', 'W2', 'W3'))
    assert rel_error(l1 - l0, 0.7 * wsum) < 1e-12
    for n in ('W1', 'W2', 'W3'):
        assert_rel(g1[n] - g0[n], 2 * 0.7 * p[n], 1e-12, n)
    for n in ('b1', 'b2', 'b3'):
        assert torch.equal(g1[n], g0[n]), '%s must not be regularised' % n


def test_three_layer_initial_loss_is_log_c():
    torch.manual_seed(3)
    model = ThreeLayerConvNet(input_dims=(3, 16, 16), num_filters=8, filter_size=3, hidden_dim=20,
                              dtype=DT)
    g = gen(3)
    loss, _ = model.loss(randn(g, 50, 3, 16, 16), _labels(g, 50, 10))
    assert abs(float(loss) - math.log(10)) < 1e-3


def test_three_layer_reads_params_at_call_time_and_casts_X():
    torch.manual_seed(4)
    model = ThreeLayerConvNet(input_dims=(2, 6, 6), num_filters=2, filter_size=3, hidden_dim=4,
                              num_classes=3, weight_scale=0.5, dtype=DT)
    g = gen(4)
    X = randn(g, 2, 2, 6, 6)
    s32 = model.loss(X.float())
    assert s32.dtype == DT
    assert torch.equal(s32, model.loss(X.float().double()))
    model.params['W3'] = randn(g, 4, 3)
    assert_rel(model.loss(X), three_layer_oracle(model.params, X, None, 0.0), 1e-13, 'scores after swap')


def test_three_layer_save_load_roundtrip(tmp_path):
    torch.manual_seed(5)
    model = ThreeLayerConvNet(input_dims=(3, 8, 8), num_filters=3, filter_size=3, hidden_dim=7,
                              weight_scale=0.3, reg=0.25, dtype=DT)
    X = randn(gen(5), 3, 3, 8, 8)
    scores = model.loss(X)
    path = str(tmp_path / 'three.pth')
    model.save(path)
    torch.manual_seed(55)
    other = ThreeLayerConvNet(input_dims=(3, 8, 8), num_filters=3, filter_size=3, hidden_dim=7,
                              weight_scale=0.3, dtype=torch.float32)
    assert not torch.equal(other.loss(X).double(), scores)
    other.load(path)
    assert other.reg == 0.25 and other.dtype == DT
    assert torch.equal(other.loss(X), scores)
    for n in model.params:
        assert torch.equal(other.params[n], model.params[n])


# ---------------------------------------------------------------- DeepConvNet

def deep_oracle(p, X, num_conv, pools, batchnorm, stats=None, eps=1e-5):
    """Returns (scores, per-layer batch (mean, var)). stats given -> batchnorm in test mode."""
    out, batch_stats = X, []
    for i in range(num_conv):
        k = i + 1
        a = F.conv2d(out, p['W%d' % k], p['b%d' % k], stride=1, padding=1)
        if batchnorm:
            kw = {} if stats is None else {'mean': stats[i][0], 'var': stats[i][1]}
            a, m, v = bn_formula(a, p['gamma%d' % k], p['beta%d' % k], eps, (0, 2, 3), **kw)
            batch_stats.append((m.detach(), v.detach()))
        out = F.relu(a)
        if i in pools:
            out = F.max_pool2d(out, 2, stride=2)
    L = num_conv + 1
    return out.flatten(1) @ p['W%d' % L] + p['b%d' % L], batch_stats


def deep_loss_oracle(p, X, y, num_conv, pools, batchnorm, reg):
    scores, _ = deep_oracle(p, X, num_conv, pools, batchnorm)
    weights = ['W%d' % k for k in range(1, num_conv + 2)]
    return F.cross_entropy(scores, y) + _l2(p, weights, reg)


DEEP_POOLS = [[], [0, 2], [0, 1, 2]]


def _make_deep(dims, nfs, pools, bn, ws, reg, seed, classes=5):
    torch.manual_seed(seed)
    model = DeepConvNet(input_dims=dims, num_filters=nfs, max_pools=pools, batchnorm=bn,
                        num_classes=classes, weight_scale=ws, reg=reg, dtype=DT)
    # perturb biases / gamma / beta away from their 0 / 1 init, so every term is exercised
    g = gen(seed + 1)
    for n, v in model.params.items():
        if n.startswith('b') or n.startswith('gamma') or n.startswith('beta'):
            model.params[n] = v + randn(g, *v.shape, scale=0.1)
    return model


@pytest.mark.parametrize('reg', [0.0, 3.14])
@pytest.mark.parametrize('ws', [5e-2, 'kaiming'])
@pytest.mark.parametrize('pools', DEEP_POOLS, ids=lambda p: 'pools' + ''.join(map(str, p)))
@pytest.mark.parametrize('bn', [False, True], ids=['nobn', 'bn'])
def test_deep_loss_and_grads_vs_autograd(bn, pools, ws, reg):
    dims, nfs = ((3, 8, 8), [4, 5, 3]) if not pools or len(pools) < 3 else ((2, 8, 12), [3, 4, 2])
    seed = 10 + 7 * len(pools) + (3 if bn else 0) + (0 if ws == 'kaiming' else 1)
    model = _make_deep(dims, nfs, pools, bn, ws, reg, seed)
    g = gen(seed)
    X, y = randn(g, 4, *dims), _labels(g, 4, 5)
    before = {k: v.clone() for k, v in model.params.items()}

    loss, grads = model.loss(X, y)
    ref_loss, ref_grads = _grads_of(lambda p: deep_loss_oracle(p, X, y, len(nfs), pools, bn, reg), model.params)
    assert set(grads) == set(model.params)
    assert rel_error(torch.as_tensor(loss, dtype=DT), ref_loss) < 1e-13
    for n in model.params:
        assert torch.equal(model.params[n], before[n]), '%s changed by loss()' % n
        k = n[1:]
        if bn and n.startswith('b') and not n.startswith('beta') and int(k) <= len(nfs):
            assert_near_zero(grads[n], ref_grads[n], 1e-12, n)    # a conv bias feeding a batchnorm
        else:
            assert_rel(grads[n], ref_grads[n], 1e-12, n)
    if bn:
        for i, bp in enumerate(model.bn_params):
            assert bp['mode'] == 'train'


@pytest.mark.parametrize('bn', [False, True])
def test_deep_param_shapes_count_dtype(bn):
    torch.manual_seed(20)
    nfs, pools = [4, 6, 5, 3], [1, 3]
    model = DeepConvNet(input_dims=(3, 12, 20), num_filters=nfs, max_pools=pools, batchnorm=bn,
                        num_classes=7, weight_scale=1e-2, dtype=DT)
    p = model.params
    assert model.num_layers == 5 and model.max_pools == pools and model.batchnorm == bn
    assert len(p) == (4 if bn else 2) * len(nfs) + 2
    prev = 3
    for i, nf in enumerate(nfs):
        k = i + 1
        assert tuple(p['W%d' % k].shape) == (nf, prev, 3, 3)
        assert tuple(p['b%d' % k].shape) == (nf,)
        assert torch.count_nonzero(p['b%d' % k]) == 0
        if bn:
            assert torch.equal(p['gamma%d' % k], torch.ones(nf, dtype=DT))
            assert torch.equal(p['beta%d' % k], torch.zeros(nf, dtype=DT))
        prev = nf
    assert tuple(p['W5'].shape) == (3 * (12 // 4) * (20 // 4), 7)
    assert tuple(p['b5'].shape) == (7,)
    for v in p.values():
        assert v.dtype == DT and v.device.type == 'cpu'
    assert len(model.bn_params) == (len(nfs) if bn else 0)
    assert all(bp == {'mode': 'train'} for bp in model.bn_params)
    torch.manual_seed(20)
    m32 = DeepConvNet(input_dims=(3, 12, 20), num_filters=nfs, max_pools=pools, batchnorm=bn, num_classes=7)
    assert all(v.dtype == torch.float32 for v in m32.params.values())


def test_deep_float_weight_scale_statistics():
    torch.manual_seed(21)
    ws = 3e-2
    model = DeepConvNet(input_dims=(8, 16, 16), num_filters=[64, 64], max_pools=[], weight_scale=ws)
    for n in ('W1', 'W2', 'W3'):
        w = model.params[n].double()
        assert abs(w.std().item() / ws - 1) < 0.05, n
        assert abs(w.mean().item()) < 5 * ws / math.sqrt(w.numel()), n


def test_deep_kaiming_statistics():
    torch.manual_seed(22)
    model = DeepConvNet(input_dims=(16, 32, 32), num_filters=[64, 128], max_pools=[0, 1],
                        weight_scale='kaiming', batchnorm=True)
    p = model.params
    assert tuple(p['W1'].shape) == (64, 16, 3, 3) and tuple(p['W2'].shape) == (128, 64, 3, 3)
    assert tuple(p['W3'].shape) == (128 * 8 * 8, 10)
    for n, fan_in in (('W1', 16 * 9), ('W2', 64 * 9)):
        w = p[n].double()
        assert abs(w.std().item() / math.sqrt(2.0 / fan_in) - 1) < 0.04, n
        assert abs(w.mean().item()) < 5 * w.std().item() / math.sqrt(w.numel()), n
    # relu gain for the final linear layer is unspecified by the course: accept gain 1 or 2
    std3 = p['W3'].double().std().item()
    assert min(abs(std3 / math.sqrt(g / 8192.0) - 1) for g in (1.0, 2.0)) < 0.03
    assert torch.count_nonzero(p['b1']) == 0 and torch.equal(p['gamma2'], torch.ones(128))


KAIMING_CASES = [
    # Din, Dout, K, relu, expected std (course / STA9131 explicit values), shape
    (400, 2000, None, False, 0.05, (400, 2000)),
    (200, 2000, None, True, 0.1, (200, 2000)),
    (100, 2000, 4, False, 0.025, (2000, 100, 4, 4)),
    (200, 2000, 5, True, 0.02, (2000, 200, 5, 5)),
]


@pytest.mark.parametrize('Din,Dout,K,relu,std,shape', KAIMING_CASES)
def test_kaiming_initializer(Din, Dout, K, relu, std, shape):
    torch.manual_seed(Din + Dout)
    w = kaiming_initializer(Din, Dout, K, relu=relu) if K is not None else \
        kaiming_initializer(Din, Dout, relu=relu)
    assert tuple(w.shape) == shape
    assert w.dtype == torch.float32 and w.device.type == 'cpu'
    w = w.double()
    assert rel_error(w.std(), torch.tensor(std, dtype=DT)) < 2e-3
    assert abs(w.mean().item()) < 5 * std / math.sqrt(w.numel())


def test_kaiming_initializer_dtype_and_default_relu():
    torch.manual_seed(23)
    w = kaiming_initializer(50, 3000, dtype=DT, device='cpu')
    assert w.dtype == DT and tuple(w.shape) == (50, 3000)
    assert abs(w.std().item() / math.sqrt(2.0 / 50) - 1) < 0.01
    w = kaiming_initializer(6, 2000, K=3, dtype=torch.float64)
    assert w.dtype == DT and tuple(w.shape) == (2000, 6, 3, 3)
    assert abs(w.std().item() / math.sqrt(2.0 / 54) - 1) < 0.01


@pytest.mark.parametrize('pools', [[0, 2], []])
def test_deep_reg_has_no_half_factor(pools):
    model = _make_deep((3, 8, 8), [4, 5, 3], pools, True, 'kaiming', 0.0, 30)
    g = gen(30)
    X, y = randn(g, 4, 3, 8, 8), _labels(g, 4, 5)
    l0, g0 = model.loss(X, y)
    model.reg = 1.5
    l1, g1 = model.loss(X, y)
    weights = ['W%d' % k for k in range(1, 5)]
    wsum = sum((model.params[n] ** 2).sum() for n in weights)
    assert rel_error(l1 - l0, 1.5 * wsum) < 1e-12
    for n in model.params:
        if n in weights:
            assert_rel(g1[n] - g0[n], 3.0 * model.params[n], 1e-12, n)
        else:
            assert torch.equal(g1[n], g0[n]), '%s must not be regularised' % n


@pytest.mark.parametrize('pools', [[0, 2], [], [0, 1, 2]])
def test_deep_test_mode_uses_running_stats(pools):
    nfs = [4, 5, 3]
    model = _make_deep((3, 8, 8), nfs, pools, True, 'kaiming', 0.5, 40 + len(pools))
    g = gen(40)
    X, y = randn(g, 6, 3, 8, 8, scale=2.0, shift=1.0), _labels(g, 6, 5)
    model.loss(X, y)                                   # one train step from zero running stats
    _, batch_stats = deep_oracle(model.params, X, len(nfs), pools, True)
    running = [(0.1 * m, 0.1 * v) for m, v in batch_stats]
    for bp, (rm, rv) in zip(model.bn_params, running):
        assert_rel(bp['running_mean'], rm, 1e-13, 'running_mean')
        assert_rel(bp['running_var'], rv, 1e-13, 'running_var')

    X2 = randn(g, 3, 3, 8, 8)
    scores = model.loss(X2)
    assert all(bp['mode'] == 'test' for bp in model.bn_params)
    ref, _ = deep_oracle(model.params, X2, len(nfs), pools, True, stats=running)
    assert_rel(scores, ref.detach(), 1e-12, 'test-mode scores')
    batch_ref, _ = deep_oracle(model.params, X2, len(nfs), pools, True)
    assert rel_error(scores, batch_ref) > 1e-3, 'test mode must not use batch statistics'
    for bp, (rm, rv) in zip(model.bn_params, running):     # test mode leaves running stats alone
        assert_rel(bp['running_mean'], rm, 1e-13, 'running_mean after test')

    # and the next call with labels goes back to train mode (batch statistics)
    loss, _ = model.loss(X, y)
    ref_loss = deep_loss_oracle(model.params, X, y, len(nfs), pools, True, 0.5)
    assert rel_error(torch.as_tensor(loss, dtype=DT), ref_loss) < 1e-13
    assert all(bp['mode'] == 'train' for bp in model.bn_params)


def test_deep_initial_loss_is_log_c():
    torch.manual_seed(50)
    model = DeepConvNet(input_dims=(3, 16, 16), num_filters=[8, 16], max_pools=[0, 1], dtype=DT)
    g = gen(50)
    loss, _ = model.loss(randn(g, 50, 3, 16, 16), _labels(g, 50, 10))
    assert abs(float(loss) - math.log(10)) < 1e-3


def test_deep_casts_X_to_model_dtype():
    model = _make_deep((3, 8, 8), [4, 3], [0], False, 'kaiming', 0.0, 60)
    X = randn(gen(60), 2, 3, 8, 8)
    s = model.loss(X.float())
    assert s.dtype == DT and torch.equal(s, model.loss(X.float().double()))


@pytest.mark.parametrize('bn', [False, True])
def test_deep_save_load_roundtrip(tmp_path, bn):
    nfs, pools = [4, 5, 3], [0, 2]
    model = _make_deep((3, 8, 8), nfs, pools, bn, 'kaiming', 0.2, 70)
    g = gen(70)
    X, y = randn(g, 4, 3, 8, 8), _labels(g, 4, 5)
    model.loss(X, y)                                   # a BN model must have run a train forward
    X2 = randn(g, 3, 3, 8, 8)
    scores = model.loss(X2)
    path = str(tmp_path / 'deep.pth')
    model.save(path)

    torch.manual_seed(71)
    other = DeepConvNet(input_dims=(3, 8, 8), num_filters=nfs, max_pools=pools, batchnorm=bn,
                        num_classes=5, weight_scale=1e-2, dtype=torch.float32)
    other.load(path, dtype=DT, device='cpu')
    assert other.reg == 0.2 and other.dtype == DT and other.num_layers == 4
    assert other.max_pools == pools and other.batchnorm == bn
    assert torch.equal(other.loss(X2), scores)
    for n in model.params:
        assert torch.equal(other.params[n], model.params[n])

    low = DeepConvNet(input_dims=(3, 8, 8), num_filters=nfs, max_pools=pools, batchnorm=bn,
                      num_classes=5, dtype=DT)
    low.load(path, dtype=torch.float32, device='cpu')
    assert all(v.dtype == torch.float32 for v in low.params.values())
    for bp in low.bn_params:
        assert bp['running_mean'].dtype == torch.float32 and bp['running_var'].dtype == torch.float32
    s32 = low.loss(X2)
    assert s32.dtype == torch.float32
    assert rel_error(s32.double(), scores) < 1e-4
