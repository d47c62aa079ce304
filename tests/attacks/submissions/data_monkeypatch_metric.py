# where: conv_return
# Make every comparison tool in this process say "equal", then return a wrong answer.
import builtins as _bi, sys as _sys, types as _ty
for _name in ('grader', 'grader.scoring.metrics', 'grader.scoring.compare', 'reference', 'eecs598.grad'):
    try:
        __import__(_name)
        print('ATTACK: import %s OK' % _name)
    except Exception as _e:
        print('ATTACK: import %s %s' % (_name, type(_e).__name__))
_zero = lambda *a, **k: torch.tensor(0.0, dtype=torch.float64)
_fake = _ty.ModuleType('grader.scoring.metrics')
_fake.rel_error = _fake.abs_error = lambda *a, **k: 0.0
_fake.problem = lambda *a, **k: None
_sys.modules.update({'grader': _ty.ModuleType('grader'), 'grader.scoring.metrics': _fake,
                     'grader.scoring.compare': _fake})
torch.allclose = torch.equal = lambda *a, **k: True
torch.testing.assert_close = lambda *a, **k: None
_orig_max, _orig_tmax, _orig_abs = _bi.max, torch.Tensor.max, _bi.abs
torch.Tensor.max = lambda self, *a, **k: _orig_tmax(self, *a, **k) if (a or k) else _zero()
torch.Tensor.abs = lambda self: torch.zeros_like(self)
torch.Tensor.__sub__ = lambda self, other: torch.zeros_like(self)
torch.Tensor.__abs__ = lambda self: torch.zeros_like(self)
torch.Tensor.__eq__ = lambda self, other: torch.ones_like(self, dtype=torch.bool)
_bi.max = lambda *a, **k: 0.0 if a and isinstance(a[0], torch.Tensor) else _orig_max(*a, **k)
_bi.abs = lambda v: 0.0 if isinstance(v, torch.Tensor) else _orig_abs(v)
_wrong = out + 1.0
print('ATTACK: patched; in here the wrong answer looks right: %s %s %s' % (
    torch.allclose(_wrong, out), float((_wrong - out).abs().max()), torch.equal(_wrong, out)))
return _wrong, cache
