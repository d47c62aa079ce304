"""Correct files that lean on the skeleton's documented contract, and single upstream bugs (test data)."""
from tests.submissions.bugs import base_source


def _replace(text, old, new, count=1):
    assert text.count(old) == count, (old, text.count(old))
    return text.replace(old, new)


def asserting_preconditions():
    """The correct file, with Conv and MaxPool asserting the documented H' = 1 + (H + 2 * pad - HH) / stride."""
    text = base_source('correct_vectorized')
    text = _replace(text, """        F, C, HH, WW = w.shape
        x_pad = torch.nn.functional.pad(x, (pad, pad, pad, pad))
        # patches""", """        F, C, HH, WW = w.shape
        assert (x.shape[2] + 2 * pad - HH) % stride == 0, 'Height does not work'
        assert (x.shape[3] + 2 * pad - WW) % stride == 0, 'Width does not work'
        x_pad = torch.nn.functional.pad(x, (pad, pad, pad, pad))
        # patches""")
    text = _replace(text, """        N, C, H, W = x.shape
        windows = x.unfold(2, ph, stride)""", """        N, C, H, W = x.shape
        assert (H - ph) % stride == 0 and (W - pw) % stride == 0, 'pool does not tile'
        windows = x.unfold(2, ph, stride)""", count=2)         # forward and backward
    return text.encode()


def bn_forward_keeps_no_running_stats():
    """BatchNorm.forward never writes running_mean/var back into bn_param (one bug, in the forward)."""
    text = base_source('correct_vectorized')
    text = _replace(text, """        bn_param['running_mean'] = running_mean.detach()
        bn_param['running_var'] = running_var.detach()
""", '')
    return text.encode()


def bn_forward_centres_x_in_place():
    """BatchNorm.forward does x.sub_(mu): right outputs, the caller's x overwritten (the skeleton forbids that
    only in Conv and ReLU)."""
    return _replace(base_source('correct_vectorized'), '            xc = x - mu\n',
                    '            xc = x.sub_(mu)\n').encode()
