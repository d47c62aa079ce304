"""The course's error metric, in float64, and the checks made before any metric."""
import torch

FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def rel_error(x, y, eps=1e-10):
    """max|x - y| / max(clamp(|x| + |y|, min=eps)), as eecs598/grad.py computes it."""
    x, y = x.double(), y.double()
    top = (x - y).abs().max().item()
    bot = (x.abs() + y.abs()).clamp(min=eps).max().item()
    return top / bot


def abs_error(x, y):
    """max|x - y|: for values whose true value is 0 (conv biases that feed a BN layer)."""
    return (x.double() - y.double()).abs().max().item()


def describe_shape(shape):
    return '(' + ', '.join(str(d) for d in shape) + ')'


def problem(actual, expected, check_dtype=True):
    """Why actual cannot be compared with expected (None when it can): type, shape, dtype, NaN/Inf."""
    if not isinstance(actual, torch.Tensor):
        return 'is %s, not a tensor' % type(actual).__name__
    if tuple(actual.shape) != tuple(expected.shape):
        return 'has shape %s, expected %s' % (describe_shape(actual.shape), describe_shape(expected.shape))
    if check_dtype and actual.dtype != expected.dtype:
        return 'has dtype %s, expected %s' % (str(actual.dtype).replace('torch.', ''),
                                              str(expected.dtype).replace('torch.', ''))
    if actual.dtype in FLOAT_DTYPES and actual.numel():
        nan = int(torch.isnan(actual).sum())
        inf = int(torch.isinf(actual).sum())
        if nan or inf:
            return 'contains %d NaN and %d Inf values' % (nan, inf)
    return None
