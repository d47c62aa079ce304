"""Expected vs actual, output by output: the error, the threshold, a readable verdict."""
from dataclasses import dataclass
from typing import Optional

import torch

from .metrics import abs_error, describe_shape, problem, rel_error
from ..report import notation


@dataclass
class OutputResult:
    name: str
    passed: bool
    metric: str
    error: Optional[float] = None
    threshold: Optional[float] = None
    message: str = ''
    gate: bool = False
    note: bool = False

    def text(self):
        if self.message:
            return '%s %s' % (self.name, self.message)
        text = notation(self.metric, self.error, self.threshold, self.passed)
        return ('%s %s' if self.metric == 'at_least' else '%s: %s') % (self.name, text)


def fail(name, metric, message):
    return OutputResult(name, False, metric, message=message)


def compare_equal(name, got, want):
    if torch.equal(got, want):
        return OutputResult(name, True, 'equal', error=0.0, threshold=0.0)
    if name == 'x':
        message = 'was changed in place: max change %.1e' % abs_error(got, want)
    elif want.numel() <= 8:
        message = 'is %s, expected %s' % (got.tolist(), want.tolist())
    else:
        message = 'differs: max difference %.1e' % abs_error(got, want)
    return OutputResult(name, False, 'equal', error=abs_error(got, want), threshold=0.0, message=message)


def compare_output(out, expected, actual, meta, device):
    """One Output spec against the expected and actual tensors."""
    result = _compare(out, expected, actual, meta, device)
    result.gate, result.note = out.gate, out.note
    return result


def _compare(out, expected, actual, meta, device):
    name, metric = out.name, out.metric
    if name not in actual:
        kind = meta.get('non_tensors', {}).get(name)
        if kind and kind.endswith(' tensor'):
            return fail(name, metric, 'is %s: only dense real, integer or bool tensors are read' % kind)
        return fail(name, metric, 'is %s, not a tensor' % kind if kind else 'was not returned')
    want, got = expected[name], actual[name]
    where = meta.get('devices', {}).get(name)
    if where and torch.device(where).type != torch.device(device).type and metric != 'at_least':
        return fail(name, metric, 'is on %s, expected %s' % (where, device))
    why = problem(got, want, out.check_dtype)
    if why:
        return fail(name, metric, why)
    if metric == 'meta':
        return OutputResult(name, True, metric, message='shape %s, %s'
                            % (describe_shape(got.shape), str(got.dtype).replace('torch.', '')))
    if metric == 'equal':
        return compare_equal(name, got, want)
    if metric == 'at_least':
        value = float(got)
        return OutputResult(name, value >= out.threshold, metric, error=value, threshold=out.threshold)
    error = rel_error(got, want) if metric == 'rel_error' else abs_error(got, want)
    return OutputResult(name, error <= out.threshold, metric, error=error, threshold=out.threshold)
