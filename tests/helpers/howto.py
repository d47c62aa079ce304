"""Following docs/howto-grader.md's "How to add a check" with a throwaway Conv.forward check."""
from dataclasses import replace

from grader.catalog import base, get_profile
from grader.components import conv
from grader.components.recipes import R
from grader.spec import Output

CHECK_ID = 'conv_forward.s4_p0_howto'


def throwaway(t):
    """Step 1: a check made by the component's declaration (stride 4, pad 0, 5x5 kernel: the window tiles 9x9)."""
    return conv.CONV_FORWARD.check(
        's4_p0_howto', params={'stride': 4, 'pad': 0, 'backward': False},
        inputs={'x': R((2, 3, 9, 9)), 'w': R((4, 3, 5, 5)), 'b': R((4,))},
        outputs=(Output('out', 'rel_error', t['conv_forward']),), description='stride 4, pad 0 (howto)')


def profile_with_throwaway(monkeypatch):
    """The eecs498 profile rebuilt (grader/catalog/base.py) with the throwaway check added to conv.checks(t)."""
    original = conv.checks
    monkeypatch.setattr(conv, 'checks', lambda t: original(t) + [throwaway(t)])
    return replace(get_profile('eecs498'), **base.catalog(base.EECS498_THRESHOLDS))
