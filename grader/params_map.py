"""Match a student's model parameters to the reference's names.

ThreeLayerConvNet names are mandated (W1, b1, ..., b3). DeepConvNet names are not:
W1.., W_1.., W0.., conv1.w are all seen. Names are sorted by kind (weight, bias, gamma,
beta) and by the numbers they contain, then assigned in layer order and checked by shape.
"""
import re


class MatchError(Exception):
    pass


def kind_of(name):
    low = name.lower()
    if 'gamma' in low:
        return 'gamma'
    if 'beta' in low:
        return 'beta'
    if re.search(r'(^|[^a-z])w|weight', low):
        return 'W'
    if re.search(r'(^|[^a-z])b|bias', low):
        return 'b'
    return None


def name_order(name):
    return tuple(int(n) for n in re.findall(r'\d+', name)), name


def match(student_shapes, reference_shapes):
    """{reference name: student name}; MatchError says why no match exists."""
    groups = {}
    for name in student_shapes:
        kind = kind_of(name)
        if kind is None:
            raise MatchError('cannot tell what parameter %r is (expected weights, biases, gamma, beta)' % name)
        groups.setdefault(kind, []).append(name)
    ref_groups = {}
    for name in reference_shapes:
        ref_groups.setdefault(kind_of(name), []).append(name)
    mapping = {}
    for kind, ref_names in ref_groups.items():
        mine = sorted(groups.get(kind, []), key=name_order)
        ref_names = sorted(ref_names, key=name_order)
        if len(mine) != len(ref_names):
            raise MatchError('expected %d %s parameters, found %d (%s)'
                             % (len(ref_names), kind, len(mine), ', '.join(mine) or 'none'))
        for ref, stu in zip(ref_names, mine):
            if tuple(student_shapes[stu]) != tuple(reference_shapes[ref]):
                raise MatchError('parameter %r has shape %s; the layer it stands for (%s) needs %s'
                                 % (stu, tuple(student_shapes[stu]), ref, tuple(reference_shapes[ref])))
            mapping[ref] = stu
    extra = set(student_shapes) - set(mapping.values())
    if extra:
        raise MatchError('unexpected parameters: %s' % ', '.join(sorted(extra)))
    return mapping
