import pytest

from grader.scoring.params_map import MatchError, match, name_hint

REF = {'W1': (8, 3, 3, 3), 'b1': (8,), 'gamma1': (8,), 'beta1': (8,),
       'W2': (4, 8, 3, 3), 'b2': (4,), 'gamma2': (4,), 'beta2': (4,),
       'W3': (64, 10), 'b3': (10,)}


def renamed(fmt_w, fmt_b, fmt_g, fmt_be, start=1):
    out = {}
    for k, (w, b, g, be) in enumerate([('W1', 'b1', 'gamma1', 'beta1'), ('W2', 'b2', 'gamma2', 'beta2')]):
        i = k + start
        out[fmt_w % i], out[fmt_b % i] = REF[w], REF[b]
        out[fmt_g % i], out[fmt_be % i] = REF[g], REF[be]
    out[fmt_w % (2 + start)], out[fmt_b % (2 + start)] = REF['W3'], REF['b3']
    return out


@pytest.mark.parametrize('names', [
    renamed('W%d', 'b%d', 'gamma%d', 'beta%d'),
    renamed('W%d', 'b%d', 'gamma%d', 'beta%d', start=0),
    renamed('W_%d', 'b_%d', 'gamma_%d', 'beta_%d'),
    renamed('conv%d.w', 'conv%d.b', 'bn%d.gamma', 'bn%d.beta'),
    renamed('weight%d', 'bias%d', 'gamma%d', 'beta%d'),
])
def test_common_naming_schemes_match_in_layer_order(names):
    mapping, notes = match(names, REF)
    assert set(mapping) == set(REF) and notes == []
    assert [names[mapping[r]] for r in sorted(REF)] == [REF[r] for r in sorted(REF)]


def test_ten_layers_sort_numerically():
    ref = {'W%d' % k: (k, 1) for k in range(1, 12)}
    mapping, _ = match({'W%d' % k: (k, 1) for k in range(1, 12)}, ref)
    assert mapping['W10'] == 'W10' and mapping['W2'] == 'W2'


def test_kinds():
    assert [name_hint(n) for n in ('W1', 'conv1.weight', 'b2', 'bias', 'gamma3', 'bn.beta', 'p3')] == \
        ['W', 'W', 'b', 'b', 'gamma', 'beta', None]


def test_mismatches_say_why():
    with pytest.raises(MatchError, match='expected 2 gamma parameters, found 0'):
        match({k: v for k, v in REF.items() if not k.startswith('gamma')}, REF)
    bad = dict(REF, W2=(4, 8, 5, 5))
    with pytest.raises(MatchError, match=r"'W2' has shape \(4, 8, 5, 5\); the layer it stands for \(W2\)"):
        match(bad, REF)
    with pytest.raises(MatchError, match=r"cannot tell what parameter 'x' is: its shape \(1, 2, 3\) fits no layer"):
        match(dict(REF, x=(1, 2, 3)), REF)
