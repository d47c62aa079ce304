"""Each check's dependencies are data (CheckSpec.depends_on); this test proves them complete: every graded
piece a check runs, in a file laid out like the course's skeleton, is the check's own component or one its
depends_on names (transitively). Our own correct file runs in this process (no student code)."""
import functools
import importlib
import sys

import pytest

from grader.catalog import get_profile
from grader.runner import procedures
from grader.scoring.charges import calls, check_calls
from grader.scoring.inputs import build_inputs
from grader.shims import write_shims
from tests.submissions.bugs import base_path

PROFILE = get_profile('eecs498')
LAYERS = {('Conv', 'forward'): 'conv_forward', ('Conv', 'backward'): 'conv_backward',
          ('MaxPool', 'forward'): 'maxpool_forward', ('MaxPool', 'backward'): 'maxpool_backward',
          ('BatchNorm', 'forward'): 'batchnorm_forward', ('BatchNorm', 'backward'): 'batchnorm_backward',
          ('BatchNorm', 'backward_alt'): 'batchnorm_backward_alt',
          ('SpatialBatchNorm', 'forward'): 'spatial_batchnorm_forward',
          ('SpatialBatchNorm', 'backward'): 'spatial_batchnorm_backward'}


@pytest.fixture(scope='module')
def module(tmp_path_factory):
    folder = tmp_path_factory.mktemp('skeleton')
    write_shims(PROFILE.shims, str(folder))
    (folder / 'convolutional_networks.py').write_bytes(open(base_path('correct_vectorized'), 'rb').read())
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module('convolutional_networks')
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop('convolutional_networks', None)


def traced(mod, seen):
    """Wrap the graded pieces of mod in place so that each call records its component in seen."""
    def record(fn, component):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            seen.add(component(args, kwargs) if callable(component) else component)
            return fn(*args, **kwargs)
        return wrapper
    undo = []
    for (cls, name), component in LAYERS.items():
        owner = getattr(mod, cls)
        undo.append((owner, name, owner.__dict__[name]))
        setattr(owner, name, staticmethod(record(getattr(owner, name), component)))
    undo.append((mod, 'kaiming_initializer', mod.kaiming_initializer))
    mod.kaiming_initializer = record(mod.kaiming_initializer, 'kaiming_initializer')
    def deep(args, kwargs):
        return 'deep_convnet_batchnorm' if kwargs.get('batchnorm', getattr(args[0], 'batchnorm', False)) \
            else 'deep_convnet'
    for cls, component in (('ThreeLayerConvNet', 'three_layer_convnet'), ('DeepConvNet', deep)):
        owner = getattr(mod, cls)
        for name in ('__init__', 'loss', 'save', 'load'):
            undo.append((owner, name, owner.__dict__[name]))
            setattr(owner, name, record(owner.__dict__[name], 'save_load' if name in ('save', 'load') else component))
    return undo


@pytest.mark.parametrize('check_id', [c.id for c in PROFILE.checks if not c.slow])
def test_every_graded_piece_a_check_runs_is_declared(check_id, module, tmp_path):
    spec = PROFILE.check(check_id)
    seen = set()
    undo = traced(module, seen)
    try:
        procedures.PROCEDURES[spec.procedure](module, build_inputs(spec), dict(spec.params),
                                              {'device': 'cpu', 'workdir': str(tmp_path)})
    finally:
        for owner, name, value in reversed(undo):
            setattr(owner, name, value)
    declared = {spec.component, *check_calls(spec, calls(PROFILE.checks))}
    assert seen - declared == set(), 'undeclared: %s' % sorted(seen - declared)
    assert spec.component in seen
