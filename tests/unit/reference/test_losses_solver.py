"""softmax_loss / svm_loss vs autograd; update rules vs hand formulas and torch.optim; Solver."""
import math

import pytest
import torch
import torch.nn.functional as F

from ._helpers import DT, Frozen, assert_rel, gen, randn, rel_error

from reference import (Solver, ThreeLayerConvNet, adam, rmsprop, sgd, sgd_momentum,  # noqa: E402
                       softmax_loss, svm_loss)

LOSS_CASES = [(1, 2), (3, 5), (5, 10), (16, 3), (4, 7)]


def _loss_grad(fn, x, y):
    xl = x.detach().clone().requires_grad_(True)
    loss = fn(xl, y)
    (dx,) = torch.autograd.grad(loss, xl)
    return loss.detach(), dx


def softmax_oracle(x, y):
    return -(x - torch.logsumexp(x, dim=1, keepdim=True)).gather(1, y[:, None]).mean()


def svm_oracle(x, y):
    N, C = x.shape
    other = 1.0 - F.one_hot(y, C).to(x.dtype)
    correct = x.gather(1, y[:, None])
    return (torch.relu(x - correct + 1.0) * other).sum() / N


@pytest.mark.parametrize('scale', [1.0, 1e3])
@pytest.mark.parametrize('N,C', LOSS_CASES)
def test_softmax_loss_vs_autograd(N, C, scale):
    g = gen(N * 10 + C)
    x, y = randn(g, N, C, scale=scale), torch.randint(C, (N,), generator=g)
    frozen = Frozen(x=x, y=y)
    loss, dx = softmax_loss(x, y)
    frozen.check('by softmax_loss')
    ref_loss, ref_dx = _loss_grad(softmax_oracle, x, y)
    assert torch.isfinite(torch.as_tensor(loss)).all() and torch.isfinite(dx).all()
    assert rel_error(torch.as_tensor(loss, dtype=DT), ref_loss) < 1e-13
    assert rel_error(torch.as_tensor(loss, dtype=DT), F.cross_entropy(x, y)) < 1e-13
    assert_rel(dx, ref_dx, 1e-13, 'dx')
    assert dx.sum(dim=1).abs().max() < 1e-15 * scale * C + 1e-16   # softmax grads sum to 0 per row


@pytest.mark.parametrize('N,C', LOSS_CASES)
def test_svm_loss_vs_autograd(N, C):
    g = gen(N * 10 + C + 1)
    x, y = randn(g, N, C), torch.randint(C, (N,), generator=g)
    frozen = Frozen(x=x, y=y)
    loss, dx = svm_loss(x, y)
    frozen.check('by svm_loss')
    ref_loss, ref_dx = _loss_grad(svm_oracle, x, y)
    assert rel_error(torch.as_tensor(loss, dtype=DT), ref_loss) < 1e-13
    assert_rel(dx, ref_dx, 1e-14, 'dx')
    # F.multi_margin_loss divides by C as well as N: another independent value check
    assert rel_error(torch.as_tensor(loss, dtype=DT), F.multi_margin_loss(x, y) * C) < 1e-13


# ---------------------------------------------------------------- update rules

def _wd(seed, *shape):
    g = gen(seed)
    return randn(g, *shape), randn(g, *shape)


def test_sgd_one_step():
    w, dw = _wd(1, 4, 5)
    expected = w - 1e-2 * dw
    next_w, config = sgd(w.clone(), dw)
    assert_rel(next_w, expected, 1e-15, 'sgd default lr')
    next_w, config = sgd(w.clone(), dw, {'learning_rate': 0.3})
    assert_rel(next_w, w - 0.3 * dw, 1e-15, 'sgd lr 0.3')
    assert config['learning_rate'] == 0.3


def test_sgd_momentum_steps():
    w, dw = _wd(2, 3, 4)
    next_w, config = sgd_momentum(w, dw)
    # v = 0.9 * 0 - 1e-2 dw
    assert_rel(next_w, w - 1e-2 * dw, 1e-15, 'step 1')
    assert_rel(config['velocity'], -1e-2 * dw, 1e-15, 'velocity 1')
    dw2 = randn(gen(22), 3, 4)
    w2, config = sgd_momentum(next_w, dw2, config)
    v2 = 0.9 * (-1e-2 * dw) - 1e-2 * dw2
    assert_rel(w2, next_w + v2, 1e-15, 'step 2')
    assert_rel(config['velocity'], v2, 1e-15, 'velocity 2')
    # course notebook fixture (fully_connected_networks): N, D = 4, 5 linspace
    N, D = 4, 5
    w = torch.linspace(-0.4, 0.6, steps=N * D, dtype=DT).reshape(N, D)
    dw = torch.linspace(-0.6, 0.4, steps=N * D, dtype=DT).reshape(N, D)
    v = torch.linspace(0.6, 0.9, steps=N * D, dtype=DT).reshape(N, D)
    next_w, config = sgd_momentum(w, dw, {'learning_rate': 1e-3, 'velocity': v})
    assert_rel(next_w, w + 0.9 * v - 1e-3 * dw, 1e-15, 'fixture w')
    assert_rel(config['velocity'], 0.9 * v - 1e-3 * dw, 1e-15, 'fixture v')


def test_rmsprop_one_step_and_vs_torch():
    w, dw = _wd(3, 3, 4)
    next_w, config = rmsprop(w, dw)
    cache = 0.01 * dw * dw
    assert_rel(config['cache'], cache, 1e-15, 'cache')
    assert_rel(next_w, w - 1e-2 * dw / (cache.sqrt() + 1e-8), 1e-15, 'step 1')

    p = w.clone().requires_grad_(True)
    opt = torch.optim.RMSprop([p], lr=5e-3, alpha=0.95, eps=1e-8)
    cur, config = w.clone(), {'learning_rate': 5e-3, 'decay_rate': 0.95}
    g = gen(33)
    for _ in range(5):
        grad = randn(g, 3, 4)
        p.grad = grad.clone()
        opt.step()
        cur, config = rmsprop(cur, grad, config)
    assert_rel(cur, p.detach(), 1e-14, 'rmsprop vs torch.optim.RMSprop')


def test_adam_one_step_and_vs_torch():
    w, dw = _wd(4, 3, 4)
    next_w, config = adam(w, dw)
    # t = 1: m_hat = dw, v_hat = dw^2
    assert_rel(next_w, w - 1e-3 * dw / (dw.abs() + 1e-8), 1e-15, 'step 1')
    assert config['t'] == 1
    assert_rel(config['m'], 0.1 * dw, 1e-15, 'm')
    assert_rel(config['v'], 0.001 * dw * dw, 1e-15, 'v')

    p = w.clone().requires_grad_(True)
    opt = torch.optim.Adam([p], lr=2e-2, betas=(0.8, 0.99), eps=1e-8)
    cur, config = w.clone(), {'learning_rate': 2e-2, 'beta1': 0.8, 'beta2': 0.99}
    g = gen(44)
    for _ in range(6):
        grad = randn(g, 3, 4)
        p.grad = grad.clone()
        opt.step()
        cur, config = adam(cur, grad, config)
    assert config['t'] == 6
    assert_rel(cur, p.detach(), 1e-13, 'adam vs torch.optim.Adam')


def test_adam_course_fixture_formula():
    """fully_connected_networks notebook inputs, checked against the formula written out."""
    N, D = 4, 5
    w = torch.linspace(-0.4, 0.6, steps=N * D, dtype=DT).reshape(N, D)
    dw = torch.linspace(-0.6, 0.4, steps=N * D, dtype=DT).reshape(N, D)
    m = torch.linspace(0.6, 0.9, steps=N * D, dtype=DT).reshape(N, D)
    v = torch.linspace(0.7, 0.5, steps=N * D, dtype=DT).reshape(N, D)
    next_w, config = adam(w, dw, {'learning_rate': 1e-2, 'm': m, 'v': v, 't': 5})
    m6 = 0.9 * m + 0.1 * dw
    v6 = 0.999 * v + 0.001 * dw * dw
    expected = w - 1e-2 * (m6 / (1 - 0.9 ** 6)) / ((v6 / (1 - 0.999 ** 6)).sqrt() + 1e-8)
    assert config['t'] == 6
    assert_rel(next_w, expected, 1e-15, 'next_w')
    assert_rel(config['m'], m6, 1e-15, 'm')
    assert_rel(config['v'], v6, 1e-15, 'v')


# ---------------------------------------------------------------- Solver

def _toy_data(seed, n):
    """Two classes told apart by which half of a 1x6x6 image is bright: linearly separable."""
    g = gen(seed)
    X = randn(g, n, 1, 6, 6, scale=0.3)
    y = torch.randint(2, (n,), generator=g)
    X[y == 0, :, :3, :] += 1.0
    X[y == 1, :, 3:, :] += 1.0
    return X, y


def _toy_model(seed):
    torch.manual_seed(seed)
    return ThreeLayerConvNet(input_dims=(1, 6, 6), num_filters=4, filter_size=3, hidden_dim=16,
                             num_classes=2, weight_scale=1e-1, dtype=DT)


def test_solver_trains_tiny_model():
    X_train, y_train = _toy_data(1, 60)
    X_val, y_val = _toy_data(2, 40)
    data = {'X_train': X_train, 'y_train': y_train, 'X_val': X_val, 'y_val': y_val}
    model = _toy_model(3)
    torch.manual_seed(4)
    solver = Solver(model, data, update_rule=adam, optim_config={'learning_rate': 1e-2},
                    batch_size=20, num_epochs=8, verbose=False)
    before = solver.check_accuracy(X_val, y_val)
    solver.train()
    assert len(solver.loss_history) == 8 * 3
    assert len(solver.train_acc_history) == len(solver.val_acc_history) == 8 + 1
    assert sum(solver.loss_history[-3:]) / 3 < 0.5 * sum(solver.loss_history[:3]) / 3
    assert solver.best_val_acc == max(solver.val_acc_history)
    assert solver.check_accuracy(X_train, y_train) >= 0.95
    assert before < 0.9 <= solver.check_accuracy(X_val, y_val)
    # return_best_params=True swaps the best-validation parameters in
    assert set(model.params) == {'W1', 'b1', 'W2', 'b2', 'W3', 'b3'}
    for k, v in solver.best_params.items():
        assert torch.equal(model.params[k], v)


@pytest.mark.parametrize('rule', [sgd, sgd_momentum, rmsprop, adam])
def test_solver_step_applies_update_rule(rule):
    """One Solver._step on the full batch equals the rule applied to model.loss's grads by hand."""
    X, y = _toy_data(5, 10)
    data = {'X_train': X, 'y_train': y, 'X_val': X, 'y_val': y}
    model, twin = _toy_model(6), _toy_model(6)
    cfg = {'learning_rate': 3e-2}
    solver = Solver(model, data, update_rule=rule, optim_config=cfg, batch_size=10, verbose=False)
    solver._step()
    loss, grads = twin.loss(X, y)           # batch = every sample, so the order does not matter
    assert solver.loss_history == [pytest.approx(float(loss), rel=1e-12)]
    for name, w in twin.params.items():
        expected, _ = rule(w.clone(), grads[name], dict(cfg))
        assert_rel(model.params[name], expected, 1e-12, name)
    assert cfg == {'learning_rate': 3e-2}, 'the shared optim_config must not be mutated'


def test_solver_rejects_unknown_kwargs():
    X, y = _toy_data(7, 10)
    data = {'X_train': X, 'y_train': y, 'X_val': X, 'y_val': y}
    with pytest.raises(ValueError, match='Unrecognized arguments'):
        Solver(_toy_model(8), data, learning_rate=1e-3)
    with pytest.raises(ValueError):
        Solver(_toy_model(8), data, batch_size=5, bogus=1, verbose=False)


def test_check_accuracy_returns_float():
    X, y = _toy_data(9, 37)
    data = {'X_train': X, 'y_train': y, 'X_val': X, 'y_val': y}
    model = _toy_model(10)
    solver = Solver(model, data, verbose=False)
    acc = solver.check_accuracy(X, y, batch_size=8)      # several batches, last one partial
    assert type(acc) is float and 0.0 <= acc <= 1.0
    expected = (model.loss(X).argmax(dim=1) == y).double().mean().item()
    assert math.isclose(acc, expected, rel_tol=1e-6)
    sub = solver.check_accuracy(X, y, num_samples=10)
    assert type(sub) is float and sub * 10 == pytest.approx(round(sub * 10))


def test_solver_lr_decay_per_epoch_and_histories():
    X, y = _toy_data(11, 20)
    data = {'X_train': X, 'y_train': y, 'X_val': X[:10], 'y_val': y[:10]}
    model = _toy_model(12)
    torch.manual_seed(13)
    solver = Solver(model, data, update_rule=sgd_momentum, optim_config={'learning_rate': 1e-2},
                    lr_decay=0.5, batch_size=5, num_epochs=3, verbose=False)
    solver.train(return_best_params=False)
    assert solver.epoch == 3
    assert len(solver.loss_history) == 3 * 4
    assert all(type(v) is float for v in solver.loss_history)
    assert len(solver.train_acc_history) == 3 + 1       # first iteration + each epoch end
    for cfg in solver.optim_configs.values():
        assert cfg['learning_rate'] == pytest.approx(1e-2 * 0.5 ** 3, rel=1e-12)
        assert 'velocity' in cfg
