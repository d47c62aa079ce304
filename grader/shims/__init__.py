"""Stand-ins for the modules a student file imports from earlier assignments.

Each shim is one self-contained file built from the reference's earlier pieces only
(Linear, ReLU, Linear_ReLU, losses, optimizers, Solver) plus the course helpers;
the graded assignment's own reference (Conv, MaxPool, BN, the nets) never goes in.
"""
import os

_HERE = os.path.dirname(os.path.abspath(__file__))
_REFERENCE = os.path.join(os.path.dirname(os.path.dirname(_HERE)), 'reference')
PIECES = [os.path.join(_REFERENCE, name) for name in ('fc_layers.py', 'losses.py', 'solver.py')]
PIECES.append(os.path.join(_HERE, 'extras.py'))
SUBMODULES = ('grad', 'solver', 'utils', 'general', 'data', 'vis', 'submit', 'layers', 'optim', 'helpers')
SUBMODULE_SOURCE = 'from . import *  # noqa: F401,F403\nfrom . import Solver, reset_seed  # noqa: F401\n'
HEADER = '"""Grader-provided stand-in for %s (earlier assignment pieces and course helpers)."""\n'


def bundle_source(name):
    parts = [HEADER % name]
    for path in PIECES:
        with open(path) as f:
            parts.append('\n# ---- %s ----\n' % os.path.basename(path) + f.read())
    return ''.join(parts)


def write_shims(shims, dest):
    """Write the profile's shims (file name, kind) into dest; the solver module's name is returned."""
    solver_module = None
    for name, kind in shims:
        if kind == 'package':
            pkg = os.path.join(dest, name)
            os.makedirs(pkg, exist_ok=True)
            with open(os.path.join(pkg, '__init__.py'), 'w') as f:
                f.write(bundle_source(name))
            for sub in SUBMODULES:
                with open(os.path.join(pkg, sub + '.py'), 'w') as f:
                    f.write(SUBMODULE_SOURCE)
            module = name
        else:
            with open(os.path.join(dest, name), 'w') as f:
                f.write(bundle_source(name))
            module = name[:-3]
        if solver_module is None and kind in ('bundle', 'package'):
            solver_module = module
    return solver_module
