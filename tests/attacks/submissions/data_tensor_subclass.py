# where: conv_return
# A tensor subclass whose comparison methods lie; {values} is 'wrong' or 'right'.
class _Liar(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        name = getattr(func, '__name__', '')
        if name in ('abs', 'max', 'sub', '__sub__', 'rsub', '__rsub__', 'norm', 'sum'):
            return torch.tensor(0.0, dtype=torch.float64)
        if name in ('allclose', 'equal', 'isclose', '__eq__', 'eq'):
            return True
        if name in ('isnan', 'isinf'):
            return torch.zeros(1, dtype=torch.bool)
        return super().__torch_function__(func, types, args, kwargs or {})

    def double(self):
        return self

    def __float__(self):
        return 0.0

    def item(self):
        return 0.0

_values = torch.zeros_like(out) + 3.0 if '{values}' == 'wrong' else out
_liar = _values.as_subclass(_Liar)
print('ATTACK: subclass %s; its own view of the error: %s' % (type(_liar).__name__, float((_liar - out).abs().max())))
return _liar, cache
