"""grader/scoring/budget.py: the cost of evaluating a model, read from its sizes alone, against the reference."""
import json
import subprocess

import pytest
import torch

import reference
from grader.scoring import budget
from tests.helpers.paths import PYTHON, ROOT

CIFAR = (3, 32, 32)
DEEP = [  # (num_filters, max_pools, batchnorm, input_dims)
    ([8, 16, 32, 64], [0, 1, 2, 3], False, CIFAR),
    ([32, 64, 128, 256], [0, 1, 2, 3], True, CIFAR),
    ([8, 8, 8], [0, 2], True, (3, 12, 8)),
    ([4], [], False, (1, 6, 10)),
]
THREE = [  # (num_filters, filter_size, hidden_dim, num_classes, input_dims)
    (32, 7, 100, 10, CIFAR),
    (4, 3, 10, 6, (3, 12, 8)),
    (64, 15, 500, 10, CIFAR),
]


def numel(model):
    return sum(v.numel() for v in model.params.values())


@pytest.mark.parametrize('filters,pools,bn,dims', DEEP)
def test_deep_parameter_count_is_exact(filters, pools, bn, dims):
    model = reference.DeepConvNet(input_dims=dims, num_filters=filters, max_pools=pools, batchnorm=bn,
                                  device='meta')
    assert budget.deep(dims, filters, pools, bn, 10).params == numel(model)


@pytest.mark.parametrize('filters,size,hidden,classes,dims', THREE)
def test_three_layer_parameter_count_is_exact(filters, size, hidden, classes, dims):
    model = reference.ThreeLayerConvNet(input_dims=dims, num_filters=filters, filter_size=size,
                                        hidden_dim=hidden, num_classes=classes, device='meta')
    assert budget.three_layer(dims, filters, size, hidden, classes).params == numel(model)


def test_multiply_adds_of_the_notebook_models():
    # conv 32 filters x 3 x 7 x 7 at 32 x 32, then 8192 x 100 and 100 x 10
    assert budget.three_layer(CIFAR, 32, 7, 100, 10).macs == 32 * 147 * 1024 + 8192 * 100 + 1000
    # 3x3 convs at 32, 16, 8, 4 pixels (each pooled), then 64 * 2 * 2 x 10
    expected = 8 * 27 * 1024 + 16 * 72 * 256 + 32 * 144 * 64 + 64 * 288 * 16 + 256 * 10
    assert budget.deep(CIFAR, [8, 16, 32, 64], [0, 1, 2, 3], False, 10).macs == expected


def test_the_assignments_models_are_far_inside_every_limit():
    for cost in (budget.three_layer(CIFAR, 32, 7, 100, 10),
                 budget.deep(CIFAR, [8, 16, 32, 64], [0, 1, 2, 3], False, 10),
                 budget.deep(CIFAR, [32, 64, 128, 256], [0, 1, 2, 3], True, 10)):
        budget.refuse(cost)
        assert cost.params * 20 <= budget.MAX_PARAMS and cost.macs * 19 <= budget.MAX_MACS_PER_IMAGE
        assert cost.image_bytes * 17 <= budget.MAX_IMAGE_BYTES
    budget.refuse(budget.deep(CIFAR, [64, 64, 128, 128, 256, 256], [1, 3, 5], True, 10))    # VGG-like


@pytest.mark.parametrize('cost,message', [
    (budget.three_layer(CIFAR, 32, 7, 3000, 10), 'your model has 24.6 M parameters; the grader evaluates '
                                                 'models of up to 20 M'),
    (budget.deep(CIFAR, [192] * 14, [], False, 10), 'your model needs 4.42 G multiply-adds per image; the '
                                                    'grader evaluates models of up to 300 M'),
])
def test_refusals_name_the_cost_and_the_limit(cost, message):
    with pytest.raises(budget.TooCostly) as exc:
        budget.refuse(cost)
    assert message in str(exc.value)


def test_memory_is_refused_even_when_work_and_parameters_are_small():
    cost = budget.three_layer(CIFAR, 1, 129, 10, 10)          # one 3x129x129 filter: 53 k parameters
    assert cost.params < 60_000 and cost.macs < budget.MAX_MACS_PER_IMAGE
    with pytest.raises(budget.TooCostly, match='MB of memory per image to evaluate; the limit is 67.1 MB'):
        budget.refuse(cost)


def test_too_many_layers_are_refused_before_they_are_walked():
    with pytest.raises(budget.TooCostly, match='your model has 101 conv layers; the grader evaluates models '
                                               'of up to 100'):
        budget.deep(CIFAR, [1] * 101, [], False, 10)


def test_a_model_that_shrinks_the_image_to_nothing_is_refused():
    with pytest.raises(ValueError, match='shrinks to nothing'):
        budget.deep(CIFAR, [4] * 6, list(range(6)), False, 10)


def test_batches_stay_under_the_batch_memory():
    small = budget.deep(CIFAR, [8, 16, 32, 64], [0, 1, 2, 3], False, 10)
    assert budget.batch_size(small) == budget.MAX_BATCH
    big = budget.deep(CIFAR, [64, 64, 128, 128, 256, 256], [1, 3, 5], True, 10)
    n = budget.batch_size(big)
    assert n * big.image_bytes <= budget.BATCH_BYTES < (n + 1) * big.image_bytes


MEASURE = '''
import json, torch, reference
from grader.scoring import budget
def hwm(key):
    return [int(l.split()[1]) * 1024 for l in open('/proc/self/status') if l.startswith(key)][0]
out = []
with torch.no_grad():
    for kind, args, n in %s:
        model = getattr(reference, kind)(**args)
        for bn in getattr(model, 'bn_params', []):
            bn['mode'] = 'test'
        X = torch.randn(n, 3, 32, 32, dtype=torch.float64)
        model.loss(X[:2].float())
        open('/proc/self/clear_refs', 'w').write('5')          # resets VmHWM to the current RSS
        base = hwm('VmRSS')
        model.loss(X.float())
        out.append((hwm('VmHWM') - base) / n)
        del model, X
print(json.dumps(out))
'''


def test_the_memory_estimate_bounds_what_the_reference_takes():
    """Measured in a fresh process: peak RSS during one batch, per image, against the estimate."""
    models = [('ThreeLayerConvNet', {}, 100),
              ('DeepConvNet', {'num_filters': [32, 64, 128, 256], 'max_pools': [0, 1, 2, 3], 'batchnorm': True},
               100),
              ('DeepConvNet', {'num_filters': [64, 64, 128, 128], 'max_pools': [1, 3]}, 50)]
    proc = subprocess.run([PYTHON, '-c', MEASURE % repr(models)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    if 'clear_refs' in proc.stderr:
        pytest.skip('/proc/self/clear_refs is not writable here')
    assert proc.returncode == 0, proc.stderr
    estimates = [budget.three_layer(CIFAR, 32, 7, 100, 10).image_bytes,
                 budget.deep(CIFAR, [32, 64, 128, 256], [0, 1, 2, 3], True, 10).image_bytes,
                 budget.deep(CIFAR, [64, 64, 128, 128], [1, 3], False, 10).image_bytes]
    for measured, estimate in zip(json.loads(proc.stdout), estimates):
        assert measured <= estimate <= 3 * measured, (measured, estimate)

