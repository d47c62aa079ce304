"""Conv.forward and Conv.backward: strides 1-3, pads 0-2, non-square inputs and kernels, an untiled window."""
from ..spec import Component, Output
from .recipes import R, lin, untiled

CONV_FORWARD = Component('conv_forward', 'Conv.forward', points=8, procedure='conv')
CONV_BACKWARD = Component('conv_backward', 'Conv.backward', points=10, procedure='conv')
COMPONENTS = (CONV_FORWARD, CONV_BACKWARD)


def checks(t):
    nb_fwd = {'x': lin((2, 3, 4, 4), -0.1, 0.5), 'w': lin((3, 3, 4, 4), -0.2, 0.3),
              'b': lin((3,), -0.1, 0.2), 'dout': R((2, 3, 2, 2))}
    configs = [
        ('s1_p1_notebook', (4, 3, 5, 5), (2, 3, 3, 3), 1, 1, 'stride 1, pad 1 (notebook)'),
        ('s1_p0', (2, 3, 6, 6), (4, 3, 3, 3), 1, 0, 'stride 1, pad 0'),
        ('s2_p2_nonsquare', (2, 3, 7, 9), (3, 3, 3, 3), 2, 2, 'stride 2, pad 2, 7x9 input'),
        ('s3_p1_kernel3x2', (3, 2, 10, 9), (4, 2, 3, 2), 3, 1, 'stride 3, pad 1, 3x2 kernel, 10x9 input'),
        ('s2_p0_uneven', (2, 3, 8, 8), (2, 3, 3, 3), 2, 0, 'stride 2, pad 0, window does not tile'),
        ('s2_p1_large', (4, 3, 31, 31), (8, 3, 3, 3), 2, 1, 'stride 2, pad 1, 31x31 input'),
    ]
    out = [CONV_FORWARD.check(
        's2_p1_notebook', params={'stride': 2, 'pad': 1, 'backward': False}, inputs=nb_fwd,
        outputs=(Output('out', 'rel_error', t['conv_forward']), Output('x', 'equal', gate=True)),
        description='stride 2, pad 1, linspace inputs (notebook)')]
    for name, xs, ws, stride, pad, text in configs:
        inputs = {'x': R(xs), 'w': R(ws), 'b': R((ws[0],))}
        h = 1 + (xs[2] + 2 * pad - ws[2]) // stride
        w = 1 + (xs[3] + 2 * pad - ws[3]) // stride
        inputs['dout'] = R((xs[0], ws[0], h, w))
        slow_timeout = 60.0 if name.endswith('large') else 20.0
        advisory = untiled(xs[2:], ws[2:], stride, pad, 'Conv')
        if name != 's1_p1_notebook':
            out.append(CONV_FORWARD.check(
                name, params={'stride': stride, 'pad': pad, 'backward': False}, inputs=inputs,
                outputs=(Output('out', 'rel_error', t['conv_forward']), Output('x', 'equal', gate=True)),
                description=text, timeout_s=slow_timeout, advisory=advisory))
        out.append(CONV_BACKWARD.check(
            name, params={'stride': stride, 'pad': pad, 'backward': True}, inputs=inputs,
            outputs=tuple(Output(n, 'rel_error', t['conv_backward']) for n in ('dx', 'dw', 'db')),
            description=text, timeout_s=slow_timeout, advisory=advisory,
            depends_on=('conv_forward',)))         # backward takes the cache the student's forward made
    return out
