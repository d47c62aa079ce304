"""A synthetic class for the similarity tests: a shared skeleton, each student's own seeded code, a renamed copy."""
import random
import re

SKELETON = '''import torch


class Layer:
    """Forward and backward of a layer; students fill in the bodies."""

    @staticmethod
    def forward(x, w, b, conv_param):
        """Inputs: x of shape (N, C, H, W), w of shape (F, C, HH, WW), b of shape (F,)."""
        stride, pad = conv_param["stride"], conv_param["pad"]
        N, C, H, W = x.shape
        F, _, HH, WW = w.shape
        H_out = 1 + (H + 2 * pad - HH) // stride
        W_out = 1 + (W + 2 * pad - WW) // stride
        out = torch.zeros((N, F, H_out, W_out), dtype=x.dtype, device=x.device)
        {BODY}
        cache = (x, w, b, conv_param)
        return out, cache


def rel_error(x, y, eps=1e-10):
    top = (x - y).abs().max().item()
    bot = (x.abs() + y.abs()).clamp(min=eps).max().item()
    return top / bot
'''
OPS = ['+', '-', '*', '/', '//', '%', '**', '@']


def expression(rnd):
    terms = ['v%d' % rnd.randrange(9) for _ in range(rnd.randint(2, 4))]
    text = terms[0]
    for term in terms[1:]:
        text += ' %s %s' % (rnd.choice(OPS), term if rnd.random() < 0.7 else 'torch.%s(%s)' % (
            rnd.choice(['sum', 'mean', 'amax', 'exp', 'sqrt', 'abs']), term))
    return text


def own_code(seed, lines=40):
    """A body of its own: statements whose shapes and operators follow a seeded generator."""
    rnd, out = random.Random(seed), []
    for i in range(lines):
        target = 'v%d' % rnd.randrange(9)
        kind = rnd.randrange(3)
        if kind == 0:
            out.append('%s = %s' % (target, expression(rnd)))
        elif kind == 1:
            out.append('%s[:, %d] %s= %s' % (target, rnd.randrange(4), rnd.choice(OPS[:4]), expression(rnd)))
        else:
            out.append('%s = (%s, %s)' % (target, expression(rnd), expression(rnd)))
    return '\n        '.join(out)


def student(seed):
    return SKELETON.replace('{BODY}', own_code(seed))


def renamed(source):
    """Every v<digit> name changed and comments added: the same code for the ranking."""
    return re.sub(r'\bv(\d)\b', r'renamed_\1', source).replace('        out = torch.zeros',
                                                                 '        # my own work\n        out = torch.zeros')
