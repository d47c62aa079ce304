"""Every check configuration against the skeleton's documented contract: windows that tile are graded,
the rest advisory (0 points); eps-bearing checks use data where eps matters; dependencies are ordered."""
import pytest

import reference
from grader.catalog import PROFILES, get_profile
from grader.components import COMPONENTS, POINTS
from grader.runner import procedures
from grader.scoring.inputs import build_inputs
from grader.scoring.metrics import rel_error

EECS = get_profile('eecs498')


def tiles(spec):
    """The skeleton's H' = 1 + (H + 2 * pad - HH) / stride (MaxPool: pad 0) is a whole number on both axes."""
    p, x = spec.params, spec.inputs['x'].shape
    if spec.procedure == 'conv':
        window, pad = spec.inputs['w'].shape[2:], p['pad']
    else:
        window, pad = (p['pool_height'], p['pool_width']), 0
    return all((size + 2 * pad - k) % p['stride'] == 0 for size, k in zip(x[2:], window))


@pytest.mark.parametrize('name', sorted(PROFILES))
def test_layer_configurations_outside_the_documented_formula_are_advisory_and_worth_nothing(name):
    layers = [c for c in PROFILES[name].checks if c.procedure in ('conv', 'maxpool')]
    advisory = [c for c in layers if c.advisory]
    assert advisory and all(c.points == 0 for c in advisory)
    for spec in layers:
        assert bool(spec.advisory) == (not tiles(spec)), spec.id
        assert spec.points > 0 or spec.advisory
    for c in advisory:
        assert "torch's floor convention" in c.advisory and 'does not tile' in c.advisory
    # the shapes the untiled checks covered are still graded within the contract
    graded = {(c.component, c.params['stride']) for c in layers if not c.advisory}
    assert {('conv_forward', 3), ('conv_backward', 3)} <= graded


@pytest.mark.parametrize('name', sorted(PROFILES))
def test_graded_checks_share_each_components_points(name):
    profile = PROFILES[name]
    for component in COMPONENTS:
        graded = [c for c in profile.checks if c.component == component and not c.advisory]
        assert graded, component
        assert abs(sum(c.points for c in graded) - POINTS[component]) < 1e-9


def test_dependencies_point_back_to_earlier_components_only():
    for spec in EECS.checks:
        for d in spec.depends_on:
            assert COMPONENTS.index(d) < COMPONENTS.index(spec.component), (spec.id, d)


def _reference(spec, **params):
    inputs = build_inputs(spec)
    outputs, _ = procedures.PROCEDURES[spec.procedure](reference, inputs, dict(spec.params, **params),
                                                       {'device': 'cpu'})
    return outputs


@pytest.mark.parametrize('check_id', [c.id for c in EECS.checks if 'eps' in c.params])
def test_eps_changes_every_compared_output_far_above_its_threshold(check_id):
    spec = EECS.check(check_id)
    with_eps, without = _reference(spec), _reference(spec, eps=0.0)
    for out in spec.outputs:
        if out.metric == 'rel_error' and out.name not in ('dbeta', 'running_mean', 'running_var'):    # no eps in these
            assert rel_error(with_eps[out.name], without[out.name]) > 100 * out.threshold, out.name


def test_momentum_and_running_statistics_are_exercised():
    spec = EECS.check('batchnorm_forward.train_eps_momentum')
    given, default = _reference(spec), _reference(spec, momentum=0.9)
    assert rel_error(given['running_mean'], default['running_mean']) > 1e-3


def test_weight_scale_kaiming_is_judged_only_where_kaiming_is_named():
    kaiming = [c for c in EECS.checks if c.params.get('init', {}).get('weight_scale') == 'kaiming']
    assert [c.id for c in kaiming] == ['deep_convnet.kaiming_init']
    assert all('kaiming_initializer' in c.depends_on for c in kaiming)
    numeric = [c for c in EECS.checks if isinstance(c.params.get('init', {}).get('weight_scale'), float)]
    assert {c.component for c in numeric} >= {'deep_convnet', 'deep_convnet_batchnorm', 'save_load'}
