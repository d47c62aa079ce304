"""Match a student's DeepConvNet parameters to the reference's (W1, b1, gamma1, beta1, ..., WL, bL).

The skeleton mandates no names (W1.., W_1.., W0.., conv1.w, g1/be1, p0.. are all seen). Each reference
parameter, in the skeleton's order (W, b, gamma, beta in each layer, then the final W and b), takes the
first unmatched student parameter of its shape that can be of its kind, preferring one whose name says the
kind, then one whose initial value does (gamma ones; b and beta zeros), then the student's order: the
numbers in the names when every name has one, then the dict's insertion order. A name that says a kind is
believed over the initial value (the init check then names the wrong start). Where neither tells a layer's
vectors apart, the order decides and a note says so.
"""
import re

KINDS = ('W', 'b', 'gamma', 'beta')
VECTORS = ('b', 'gamma', 'beta')
ROLE_KINDS = {'ones': ('gamma',), 'zeros': ('b', 'beta')}     # what an initial value says
MAX_PARAMS = 1000                                               # more is no DeepConvNet we grade
NOTE_NAMES = 12                                                 # names a note lists


class MatchError(Exception):
    pass


def name_hint(name, dims=1):
    """The kind a parameter's name says ('W', 'b', 'gamma', 'beta'), or None; dims: its number of dimensions."""
    low = name.lower()
    words = set(re.findall(r'[a-z]+', low))
    if 'gamma' in low or 'scale' in low or 'g' in words:
        return 'gamma'
    if 'beta' in low or 'shift' in low or words & {'be', 'bt'}:
        return 'beta'
    norm = dims == 1 and ('bn' in words or 'norm' in low)      # bn1.weight, bn1.bias (not conv_bn1.w)
    if 'weight' in low or words & {'w', 'kernel'}:
        return 'gamma' if norm else 'W'
    if 'bias' in low or 'b' in words:
        return 'beta' if norm else 'b'
    return None


def numbers(name):
    return tuple(int(d) if len(d) <= 18 else 10 ** 18 for d in re.findall(r'[0-9]+', name))


def student_order(names):
    """names sorted by their numbers when every name has one, then by insertion order."""
    index = {n: i for i, n in enumerate(names)}
    numbered = all(numbers(n) for n in names)
    return sorted(names, key=lambda n: (numbers(n) if numbered else (), index[n]))


def _show(name):
    return repr(name if len(name) <= 60 else name[:57] + '...')


def _kind(ref_name):
    return re.match(r'[a-zA-Z]+', ref_name).group()


def _skeleton(reference_shapes):
    """Reference names in the skeleton's order."""
    return sorted(reference_shapes, key=lambda r: (numbers(r), KINDS.index(_kind(r))))


def _rank(hint, dims, role, kind):
    """How well a parameter fits a kind: 0 its name says so, 1 its initial value (or, for weights, its
    number of dimensions) does, 2 nothing says, 3 its initial value says otherwise; None: it cannot be one."""
    if hint is not None:
        return 0 if hint == kind else None
    if kind == 'W' or dims != 1:
        return 1 if kind == 'W' and dims in (2, 4) else None
    says = ROLE_KINDS.get(role)
    return 2 if says is None else 1 if kind in says else 3


def _check_counts(student_shapes, hints, reference_shapes):
    want = {k: 0 for k in KINDS}
    for r in reference_shapes:
        want[_kind(r)] += 1
    known = {k: [] for k in KINDS}
    unclear = []
    for name, shape in student_shapes.items():
        kind = hints[name] or ('W' if len(shape) in (2, 4) else None)
        if kind is not None:
            known[kind].append(name)
        elif len(shape) == 1:
            unclear.append(name)
        else:
            raise MatchError('cannot tell what parameter %s is: its shape %s fits no layer (conv weights are 4-d, '
                             'the final weight 2-d, biases, gamma and beta 1-d)' % (_show(name), tuple(shape)))
    for kind in KINDS:                            # unclear vectors may only make up for missing ones
        if len(known[kind]) > want[kind] or (not unclear and len(known[kind]) != want[kind]):
            mine = student_order(known[kind])
            raise MatchError('expected %d %s parameters, found %d (%s)'
                             % (want[kind], kind, len(mine), ', '.join(n[:60] for n in mine[:20]) or 'none'))
    if len(student_shapes) != len(reference_shapes):
        raise MatchError('expected %d parameters (%s), found %d' % (
            len(reference_shapes), ', '.join('%d %s' % (want[k], k) for k in KINDS if want[k]), len(student_shapes)))


def match(student_shapes, reference_shapes, roles=None):
    """({reference name: student name}, notes) for student shapes in insertion order, roles {name: 'ones' |
    'zeros' | 'random'} from before any change (anything else: unknown); MatchError says why no match exists."""
    if len(student_shapes) > MAX_PARAMS:
        raise MatchError('model.params has %d entries; expected %d' % (len(student_shapes), len(reference_shapes)))
    roles = {n: r for n, r in roles.items() if isinstance(r, str)} if isinstance(roles, dict) else {}
    hints = {n: name_hint(n, len(s)) for n, s in student_shapes.items()}
    try:
        _check_counts(student_shapes, hints, reference_shapes)
    except MatchError:
        if len(student_shapes) != len(reference_shapes):
            raise
        hints = {n: None if h in VECTORS else h for n, h in hints.items()}    # the vectors' names do not add up
        _check_counts(student_shapes, hints, reference_shapes)
    order = student_order(list(student_shapes))
    rank = {n: {k: _rank(hints[n], len(student_shapes[n]), roles.get(n), k) for k in KINDS}
            for n in order}
    mapping, free = {}, list(order)
    for ref in _skeleton(reference_shapes):
        kind, shape = _kind(ref), tuple(reference_shapes[ref])
        fits = [n for n in free if rank[n][kind] is not None]
        same = [n for n in fits if tuple(student_shapes[n]) == shape]
        if not same:
            if fits:
                raise MatchError('parameter %s has shape %s; the layer it stands for (%s) needs %s'
                                 % (_show(fits[0]), tuple(student_shapes[fits[0]]), ref, shape))
            raise MatchError('found no parameter for %s (shape %s)' % (ref, shape))
        pick = min(same, key=lambda n: rank[n][kind])             # min keeps the student's order on ties
        mapping[ref] = pick
        free.remove(pick)
    return mapping, _notes(mapping, rank)


def _notes(mapping, rank):
    """A note naming the vectors of a layer that only the order told apart."""
    layers = {}
    for ref in mapping:
        if _kind(ref) != 'W':
            layers.setdefault(numbers(ref), []).append(ref)
    told = []
    for refs in layers.values():
        alike = set()
        for a in refs:
            for b in refs:
                stu_a, stu_b, ka, kb = mapping[a], mapping[b], _kind(a), _kind(b)
                if ka != kb and rank[stu_a][kb] == rank[stu_a][ka] and rank[stu_b][ka] == rank[stu_b][kb]:
                    alike.update((a, b))
        told += ['%s as %s' % (_show(mapping[r]), r) for r in refs if r in alike]
    if not told:
        return []
    more = ' and %d more' % (len(told) - NOTE_NAMES) if len(told) > NOTE_NAMES else ''
    return ["note: neither names nor initial values tell some parameters apart, so the skeleton's order "
            "(W, b, gamma, beta in each layer) decides: %s%s" % (', '.join(told[:NOTE_NAMES]), more)]
