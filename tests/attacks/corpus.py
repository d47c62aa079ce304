"""Attack submissions: the correct file with a hostile snippet injected (test data helpers).

Each file tests/attacks/submissions/<name>.py is a snippet whose first line says where it goes:
    # where: import        -> module level, right after the file's imports (runs at import time)
    # where: conv_forward  -> first statements of Conv.forward (runs inside a graded function)
    # where: conv_return   -> replaces Conv.forward's `return out, cache` (snippet must return)
Snippets report what happened inside by printing lines `ATTACK: ...`; the grader captures
them per check (CheckResult.output), so tests can assert the attack's own view too.
"""
import os
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BASE = os.path.join(ROOT, 'tests', 'submissions', 'correct_vectorized', 'convolutional_networks.py')
IMPORTS_END = 'from fully_connected_networks import Linear_ReLU, Linear, Solver, adam, ReLU\n'
CONV_FORWARD = 'class Conv(object):\n\n    @staticmethod\n    def forward(x, w, b, conv_param):\n'
CONV_RETURN = '        cache = (x, w, b, conv_param)\n        return out, cache\n'


def names():
    return sorted(f[:-3] for f in os.listdir(os.path.join(HERE, 'submissions')) if f.endswith('.py'))


def snippet(name):
    with open(os.path.join(HERE, 'submissions', name + '.py')) as f:
        text = f.read()
    first, _, body = text.partition('\n')
    assert first.startswith('# where: '), name
    return first[len('# where: '):].strip(), body


def build(name, **fill):
    """The attack submission's source bytes; {placeholders} in the snippet are filled from `fill`."""
    where, body = snippet(name)
    for key, value in fill.items():
        body = body.replace('{%s}' % key, str(value))
    with open(BASE) as f:
        base = f.read()
    if where == 'import':
        anchor, new = IMPORTS_END, IMPORTS_END + body
    elif where == 'conv_forward':
        # after the signature line the docstring follows; statements placed before it are fine
        anchor, new = CONV_FORWARD, CONV_FORWARD + textwrap.indent(body, ' ' * 8)
    elif where == 'conv_return':
        anchor, new = CONV_RETURN, '        cache = (x, w, b, conv_param)\n' + textwrap.indent(body, ' ' * 8)
    else:
        raise ValueError('unknown place %r in %s' % (where, name))
    assert base.count(anchor) == 1, anchor
    return base.replace(anchor, new).encode()
