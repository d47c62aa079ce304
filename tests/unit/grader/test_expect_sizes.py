"""What the EXPECT functions do with sizes the student chose: refused by shape or cost, before any
allocation or arithmetic on them (issue 13, hole 2). Runner replies are built here directly."""
import pytest
import torch

import reference
from grader.catalog import get_profile
from grader.scoring import budget
from grader.scoring.compare import compare_output
from grader.scoring.datasets import synthetic_cifar
from grader.scoring.expect import EXPECT, accuracy

PROFILE = get_profile('eecs498')
SPECS = {c.id: c for c in PROFILE.checks}
SOLVER = SPECS['solver.synthetic_cifar']
HELD_OUT = synthetic_cifar(40, 7)


def reply(params, cls='DeepConvNet', **meta):
    """(actual, meta) as a runner returns them for a trained model."""
    actual = {'param.' + n: v for n, v in params.items()}
    return actual, dict(meta, param_names=list(params), **{'class': cls})


def shaped(*shape):
    """A tensor of that shape holding one float (an expanded view): sizes without memory."""
    return torch.zeros(1).expand(*shape)


def evaluate(actual, meta, spec=SOLVER):
    ctx = {'held_out': {'test_accuracy': HELD_OUT}, 'profile': PROFILE, 'device': 'cpu'}
    return EXPECT[spec.procedure](spec, {}, actual, meta, ctx)


def verdict(actual, meta):
    expected, view, results = evaluate(actual, meta)
    assert expected == view == {} and len(results) == 1 and not results[0].passed
    return results[0].text()


def trained(**kwargs):
    torch.manual_seed(0)
    model = reference.DeepConvNet(weight_scale='kaiming', **kwargs)
    for bn in model.bn_params:
        bn.update(running_mean=torch.randn(bn_channels(model, bn)), running_var=torch.rand(bn_channels(model, bn)))
    return model


def bn_channels(model, bn):
    return model.params['gamma%d' % (model.bn_params.index(bn) + 1)].shape[0]


def test_a_small_trained_model_is_measured_as_the_reference_measures_it():
    model = trained(num_filters=[8, 16], max_pools=[0, 1], batchnorm=True)
    actual, meta = reply(model.params, max_pools=[0, 1], batchnorm=True)
    for i, bn in enumerate(model.bn_params):
        actual.update({'bn%d.%s' % (i, k): bn[k] for k in ('running_mean', 'running_var')})
    expected, view, results = evaluate(actual, meta)
    assert results == [] and expected == view
    for bn in model.bn_params:
        bn['mode'] = 'test'
    with torch.no_grad():
        scores = model.loss(HELD_OUT[0].float())
    assert float(expected['test_accuracy']) == float((scores.argmax(1) == HELD_OUT[1]).double().mean())


def test_a_huge_hidden_layer_is_refused_by_its_parameter_count():
    params = {'W1': shaped(32, 3, 7, 7), 'b1': shaped(32), 'W2': shaped(8192, 3000), 'b2': shaped(3000),
              'W3': shaped(3000, 10), 'b3': shaped(10)}
    text = verdict(*reply(params, cls='ThreeLayerConvNet'))
    assert text == ('test_accuracy not measured: your model has 24.6 M parameters; '
                    'the grader evaluates models of up to 20 M')


def test_wide_layers_that_the_reference_would_allocate_are_refused_unallocated():
    """Before: reference.DeepConvNet(num_filters=[6000, 6000]) drew a (6000, 6000, 3, 3) weight (1.3 GB)
    for a student whose own second layer is a zero-size tensor."""
    params = {'W1': shaped(6000, 3, 3, 3), 'b1': shaped(6000), 'W2': torch.zeros(6000, 0, 3, 3),
              'b2': shaped(6000), 'W3': shaped(6000 * 64, 10), 'b3': shaped(10)}
    text = verdict(*reply(params, max_pools=[0, 1]))
    assert 'not measured: your model has 328 M parameters' in text


def test_conv_weights_must_chain():
    params = {'W1': shaped(64, 3, 3, 3), 'b1': shaped(64), 'W2': shaped(64, 32, 3, 3), 'b2': shaped(64),
              'W3': shaped(64 * 64, 10), 'b3': shaped(10)}
    text = verdict(*reply(params, max_pools=[0, 1]))
    assert "parameter 'W2' has shape (64, 32, 3, 3); the layer it stands for (W2) needs (64, 64, 3, 3)" in text


def test_running_statistics_of_the_wrong_shape_are_refused_before_they_broadcast():
    """A (100000, 1, 1) running mean would broadcast the first BN layer's input 100 000 times."""
    model = trained(num_filters=[8], max_pools=[0], batchnorm=True)
    actual, meta = reply(model.params, max_pools=[0], batchnorm=True)
    actual.update({'bn0.running_mean': shaped(100000, 1, 1), 'bn0.running_var': shaped(8)})
    assert "bn_params[0]['running_mean'] has shape (100000, 1, 1), expected (8)" in verdict(actual, meta)


def test_more_pools_than_layers_are_refused():
    model = trained(num_filters=[8], max_pools=[0])
    assert 'max_pools has 3 entries for 1 conv layers' in verdict(*reply(model.params, max_pools=[0, 0, 0]))


def test_evaluation_past_the_deadline_is_a_verdict(monkeypatch):
    monkeypatch.setattr(budget, 'EVAL_TIME_LIMIT_S', 0.0)
    model = trained(num_filters=[8], max_pools=[0])
    text = verdict(*reply(model.params, max_pools=[0]))
    assert text == 'test_accuracy not measured: evaluating your model took longer than 0 s'


def test_evaluation_batches_follow_the_memory_bound(monkeypatch):
    model = trained(num_filters=[8], max_pools=[0])
    cost = budget.deep((3, 32, 32), [8], [0], False, 10)
    monkeypatch.setattr(budget, 'BATCH_BYTES', 7 * cost.image_bytes)
    sizes = []
    loss = reference.DeepConvNet.loss
    monkeypatch.setattr(reference.DeepConvNet, 'loss', lambda self, X, y=None: sizes.append(len(X)) or loss(self, X))
    expected, _, _ = evaluate(*reply(model.params, max_pools=[0]))
    assert sizes == [7] * 5 + [5] and 'test_accuracy' in expected


def test_accuracy_stops_between_batches_at_the_deadline():
    model = trained(num_filters=[4], max_pools=[0])
    with pytest.raises(budget.TooCostly, match='took longer than'):
        accuracy(model, *HELD_OUT, batch=10, deadline=0.0)


def test_kaiming_statistics_only_of_a_weight_of_the_right_shape():
    spec = SPECS['kaiming_initializer.linear_relu']
    huge = torch.randn(3000, 3000)
    _, view, _ = EXPECT['kaiming'](spec, {}, {'w': huge}, {}, {'profile': PROFILE})
    assert 'std' not in view and 'mean' not in view
    p = spec.params
    right = torch.randn(p['Din'], p['Dout'])
    _, view, _ = EXPECT['kaiming'](spec, {}, {'w': right}, {}, {'profile': PROFILE})
    assert float(view['std']) == pytest.approx(float(right.double().std()))


def test_save_load_scores_of_a_foreign_shape_are_refused_before_the_comparison():
    spec = SPECS['save_load.three_layer_convnet']
    inputs = {'X': torch.randn(4, 3, 8, 8)}
    actual = {'scores_before': shaped(4000, 4000), 'scores_loaded': shaped(4000, 4000)}
    expected, _, results = EXPECT['save_load'](spec, inputs, actual, {'param_names': []}, {'profile': PROFILE})
    assert expected == {} and results[0].text() == ('scores_loaded loss(X) before save has shape (4000, 4000), '
                                                    'expected (4, 10)')


def test_save_load_params_of_different_shapes_are_refused_before_the_cast():
    spec = SPECS['save_load.deep_convnet_batchnorm']
    inputs = {'X': torch.randn(4, 3, 8, 8)}
    actual = {'scores_before': torch.randn(4, 10), 'scores_loaded': torch.randn(4, 10),
              'saved.param.W1': torch.zeros(5000, 5000, dtype=torch.bool).expand(3, 5000, 5000),
              'loaded.param.W1': torch.zeros(4, 3, 3, 3)}
    _, _, results = EXPECT['save_load'](spec, inputs, actual, {'param_names': ['W1']}, {'profile': PROFILE})
    assert results[0].text() == 'params_loaded parameter W1 has shape (4, 3, 3, 3) after load, (3, 5000, 5000) before'


def test_a_huge_returned_tensor_is_refused_by_shape_before_any_arithmetic():
    out = SPECS['conv_forward.s1_p0'].outputs[0]
    want = torch.zeros(2, 3, 4, 4, dtype=torch.float64)
    got = torch.zeros(1, dtype=torch.float64).expand(10 ** 6, 10 ** 5)     # 800 GB once anything touches it
    result = compare_output(out, {out.name: want}, {out.name: got}, {}, 'cpu')
    assert not result.passed and 'has shape (1000000, 100000), expected (2, 3, 4, 4)' in result.text()
