"""Blame isolation: a check measures the code it names, and says when code it calls is to blame."""
import pytest

from grader.catalog import get_profile
from grader.engine import grade
from tests.submissions.bugs import BUGS, apply

pytestmark = pytest.mark.slow
PROFILE = get_profile('eecs498')


def bug(bug_id):
    return apply(next(b for b in BUGS if b.id == bug_id))


def test_model_check_names_the_failing_layer_it_calls():
    report = grade(bug('sbn_fwd_reshape_without_permute'), PROFILE,
                   only=['spatial_batchnorm_forward', 'deep_convnet_batchnorm', 'three_layer_convnet'])
    status = {c.id: c for c in report.checks}
    assert status['spatial_batchnorm_forward.train'].status == 'failed'
    deep = status['deep_convnet_batchnorm.grads_reg0']
    assert deep.status == 'failed'
    hint = deep.message.rsplit(' | ', 1)[-1]
    assert 'SpatialBatchNorm.forward' in hint and hint.endswith('fix it first.') or 'fix it first (' in hint
    # charged once: what the net lost is credited from what SpatialBatchNorm.forward lost
    lost = {k: sum(c.max_score - c.score for c in report.checks if c.component == k)
            for k in ('spatial_batchnorm_forward', 'deep_convnet_batchnorm')}
    assert lost['spatial_batchnorm_forward'] > 0
    assert lost['deep_convnet_batchnorm'] <= max(0.0, 7.0 - lost['spatial_batchnorm_forward']) + 1e-9
    # ThreeLayerConvNet calls no batchnorm code: untouched by the bug, and no hint on passing checks
    assert all(c.status == 'passed' and 'fix it first' not in c.message
               for c in report.checks if c.component == 'three_layer_convnet')


def test_broken_layer_does_not_leak_into_models_that_use_the_provided_fast_layers():
    # The provided sandwich layers call FastConv, so a broken naive Conv fails only the conv checks.
    report = grade(bug('conv_fwd_stride_ignored'), PROFILE,
                   only=['conv_forward', 'three_layer_convnet', 'deep_convnet'])
    failing = {c.component for c in report.checks if c.status != 'passed'}
    assert failing == {'conv_forward'}


def test_no_hint_when_the_called_component_passes():
    report = grade(bug('deep_reg_on_all_params'), PROFILE, only=['deep_convnet', 'deep_convnet_batchnorm',
                                                                'spatial_batchnorm_backward'])
    bn = [c for c in report.checks if c.id == 'deep_convnet_batchnorm.grads_reg3.14'][0]
    assert bn.status == 'failed'
    assert 'while DeepConvNet fails its own checks' in bn.message or 'DeepConvNet, which this check' in bn.message
    assert 'SpatialBatchNorm' not in bn.message
