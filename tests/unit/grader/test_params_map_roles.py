"""DeepConvNet parameters matched by role (shape, initial value, order), names only a hint (issue 14, part 3)."""
import time

import pytest
import torch

import reference
from grader.catalog import get_profile
from grader.runner import procedures
from grader.scoring.expect import EXPECT
from grader.scoring.params_map import MatchError, match, name_hint

ROLE = {'W': 'random', 'b': 'zeros', 'gamma': 'ones', 'beta': 'zeros'}


def ref_shapes(num_filters=(8, 16), max_pools=(0, 1), num_classes=10, batchnorm=True):
    model = reference.DeepConvNet(input_dims=(3, 8, 8), num_filters=list(num_filters), max_pools=list(max_pools),
                                  num_classes=num_classes, batchnorm=batchnorm, device='meta')
    return {n: tuple(v.shape) for n, v in model.params.items()}


def student(ref, name, order=None):
    """(shapes in insertion order, roles, the true mapping): name(kind, layer, position) names each
    reference parameter; order: the reference names in the student's insertion order (default: skeleton's)."""
    truth = {}
    for i, r in enumerate(ref):
        kind = r.rstrip('0123456789')
        truth[r] = name(kind, int(r[len(kind):]), i)
    order = order or list(ref)
    shapes = {truth[r]: ref[r] for r in order}
    roles = {truth[r]: ROLE[r.rstrip('0123456789')] for r in order}
    return shapes, roles, truth


def fmt(w, b, g, be):
    return lambda kind, k, i: {'W': w, 'b': b, 'gamma': g, 'beta': be}[kind] % k


@pytest.mark.parametrize('name', [
    fmt('W%d', 'b%d', 'g%d', 'be%d'),
    fmt('W%d', 'b%d', 'g%d', 'bt%d'),
    fmt('conv%d.w', 'conv%d.b', 'bn%d.scale', 'bn%d.shift'),
    fmt('layer%d.weight', 'layer%d.bias', 'layer%d.bn.weight', 'layer%d.bn.bias'),
    fmt('W_%d', 'b_%d', 'gamma_%d', 'beta_%d'),
    lambda kind, k, i: {'W': 'W%d', 'b': 'b%d', 'gamma': 'gamma%d', 'beta': 'beta%d'}[kind] % (k - 1),
])
def test_names_that_say_their_kind_match_without_a_note(name):
    ref = ref_shapes()
    shapes, roles, truth = student(ref, name)
    assert match(shapes, ref, roles) == (truth, [])
    assert match(shapes, ref) == (truth, [])            # names alone suffice (a trained model has no roles)


def test_vector_names_that_do_not_add_up_leave_it_to_initial_values_and_order():
    """conv_bn1.b reads as a batchnorm shift (bn1.bias): six shifts and no bias cannot be right."""
    ref = ref_shapes()
    shapes, roles, truth = student(ref, fmt('conv_bn%d.w', 'conv_bn%d.b', 'conv_bn%d.gamma', 'conv_bn%d.beta'))
    mapping, notes = match(shapes, ref, roles)
    assert mapping == truth and "'conv_bn1.b' as b1, 'conv_bn1.beta' as beta1" in notes[0]


def test_be_is_beta_not_a_bias():
    assert [name_hint(n) for n in ('be1', 'bt1', 'g1', 'bn1.weight', 'bn1.bias', 'fc.w', 'p0')] == \
        ['beta', 'beta', 'gamma', 'gamma', 'beta', 'W', None]


def test_opaque_names_in_the_skeletons_order_match_and_the_ambiguity_is_noted():
    ref = ref_shapes()
    shapes, roles, truth = student(ref, lambda kind, k, i: 'p%d' % i)
    mapping, notes = match(shapes, ref, roles)
    assert mapping == truth
    assert notes == ["note: neither names nor initial values tell some parameters apart, so the skeleton's "
                     "order (W, b, gamma, beta in each layer) decides: 'p1' as b1, 'p3' as beta1, "
                     "'p5' as b2, 'p7' as beta2"]


def test_without_initial_values_opaque_names_follow_the_skeletons_order_with_gamma_in_the_note():
    ref = ref_shapes()
    shapes, _, truth = student(ref, lambda kind, k, i: 'p%d' % i)
    mapping, notes = match(shapes, ref, None)
    assert mapping == truth and "'p2' as gamma1" in notes[0]


def test_initial_values_find_gamma_where_the_order_would_not():
    """Opaque names, gamma inserted before b: ones is gamma wherever it stands."""
    ref = ref_shapes()
    order = ['W1', 'gamma1', 'b1', 'beta1', 'W2', 'gamma2', 'b2', 'beta2', 'W3', 'b3']
    shapes, roles, truth = student(ref, lambda kind, k, i: 'q%d_%s' % (k, 'xyzt'[i % 4]), order)
    mapping, _ = match(shapes, ref, roles)
    assert mapping['gamma1'] == truth['gamma1'] and mapping['gamma2'] == truth['gamma2']


def test_names_whose_numbers_disagree_with_insertion_order():
    ref = ref_shapes((8, 8, 8), (0, 2))
    order = ['W3', 'b3', 'gamma3', 'beta3', 'W1', 'b1', 'gamma1', 'beta1', 'W4', 'b4', 'W2', 'b2', 'gamma2', 'beta2']
    shapes, roles, truth = student(ref, fmt('W%d', 'b%d', 'g%d', 'be%d'), order)
    assert match(shapes, ref, roles) == (truth, [])


def test_equal_sizes_are_told_apart_by_name_numbers_then_insertion_order():
    ref = ref_shapes((8, 8, 8), (0, 2))
    shapes, roles, truth = student(ref, fmt('conv%d.w', 'conv%d.b', 'bn%d.g', 'bn%d.be'))
    assert match(shapes, ref, roles) == (truth, [])
    shapes, roles, truth = student(ref, lambda kind, k, i: 'p%d' % i)
    assert match(shapes, ref, roles)[0] == truth


def test_num_classes_equal_to_a_filter_count():
    ref = ref_shapes((8, 8), (0,), num_classes=8)
    name = lambda kind, k, i: ('fc.%s' if k == 3 else 'conv%d.%%s' % k) % {'W': 'w', 'b': 'b', 'gamma': 'g',
                                                                          'beta': 'be'}[kind]
    shapes, roles, truth = student(ref, name)           # fc.b has no number: insertion order, not numbers
    assert match(shapes, ref, roles) == (truth, [])
    shapes, roles, truth = student(ref, lambda kind, k, i: 'p%d' % i)
    assert match(shapes, ref, roles)[0] == truth


def test_a_clear_name_wins_over_a_wrong_start_so_the_init_check_can_name_it():
    ref = ref_shapes()
    shapes, roles, truth = student(ref, fmt('W%d', 'b%d', 'gamma%d', 'beta%d'))
    roles.update(b1='ones', gamma1='zeros')
    assert match(shapes, ref, roles) == (truth, [])


def test_wrong_shapes_and_counts_say_why():
    ref = ref_shapes()
    shapes, roles, _ = student(ref, fmt('W%d', 'b%d', 'g%d', 'be%d'))
    with pytest.raises(MatchError, match=r"parameter 'W2' has shape \(16, 4, 3, 3\); the layer it stands for "
                                         r"\(W2\) needs \(16, 8, 3, 3\)"):
        match(dict(shapes, W2=(16, 4, 3, 3)), ref, roles)
    with pytest.raises(MatchError, match=r"parameter 'g2' has shape \(8,\); the layer it stands for \(gamma2\) "
                                         r"needs \(16,\)"):
        match(dict(shapes, g2=(8,)), ref, roles)
    with pytest.raises(MatchError, match=r'expected 2 beta parameters, found 1 \(be1\)'):
        match({n: s for n, s in shapes.items() if n != 'be2'}, ref, roles)
    opaque, roles, _ = student(ref, lambda kind, k, i: 'p%d' % i)
    del opaque['p7']
    with pytest.raises(MatchError, match=r'expected 10 parameters \(3 W, 3 b, 2 gamma, 2 beta\), found 9'):
        match(opaque, ref, roles)
    mapping, _ = match(dict(opaque, p7=(16,)), ref, dict(roles, p6='zeros'))
    assert mapping['gamma2'] == 'p6'                    # a wrong start is left to the init check


def test_hostile_meta_is_refused_or_ignored_quickly():
    ref = ref_shapes()
    shapes, roles, truth = student(ref, fmt('W%d', 'b%d', 'g%d', 'be%d'))
    huge = {'p%d' % i: (1,) for i in range(200000)}
    started = time.monotonic()
    with pytest.raises(MatchError, match='model.params has 200000 entries; expected 10'):
        match(huge, ref)
    long_numbers = {'W' + '9' * 5000 + n: s for n, s in shapes.items()}
    with pytest.raises(MatchError):
        match(dict(long_numbers, x=(2, 2, 2)), ref)
    assert time.monotonic() - started < 5
    weird = {n: value for n, value in zip(roles, [None, 3, ['ones'], {'a': 1}, 'ones' * 1000, b'zeros', 1.5])}
    assert match(shapes, ref, weird)[0] == truth
    assert match(shapes, ref, ['ones'] * 10)[0] == truth


def test_the_runner_records_initial_values_before_it_perturbs():
    init = {'input_dims': (3, 8, 8), 'num_filters': [4, 4], 'max_pools': [0], 'batchnorm': True,
            'weight_scale': 'kaiming'}
    params = {'cls': 'DeepConvNet', 'init': init, 'phases': ['perturb'], 'reg': None}
    outputs, meta = procedures.model(reference, {}, params, {'device': 'cpu'})
    assert meta['param_roles'] == ['random', 'zeros', 'ones', 'zeros'] * 2 + ['random', 'zeros']
    assert not (outputs['param.gamma1'] == 1).any()     # perturbed after


def test_model_checks_take_roles_from_meta_and_survive_bad_ones():
    profile = get_profile('eecs498')
    spec = next(c for c in profile.checks if c.id == 'deep_convnet_batchnorm.init')
    torch.manual_seed(0)
    model = reference.DeepConvNet(dtype=torch.float64, **dict(spec.params['init'], input_dims=(3, 8, 8)))
    names = ['p%d' % i for i in range(len(model.params))]
    actual = {'param.' + n: v for n, v in zip(names, model.params.values())}
    ctx = {'profile': profile, 'device': 'cpu'}
    for roles in (procedures.init_roles(model), None, ['ones'], [1, 2]):
        meta = {'param_names': names, 'bn_params': 3, 'param_roles': roles}
        _, _, results = EXPECT['model'](spec, {}, actual, meta, ctx)
        assert all(r.passed for r in results), [r.text() for r in results]
        note = [r for r in results if r.metric == 'note']
        assert len(note) == 1 and note[0].note and "'p1' as b1" in note[0].message
