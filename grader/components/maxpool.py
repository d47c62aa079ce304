"""MaxPool.forward and MaxPool.backward: overlapping, non-square and untiled windows."""
from ..spec import Component, Output
from .recipes import R, lin, untiled

MAXPOOL_FORWARD = Component('maxpool_forward', 'MaxPool.forward', points=5, procedure='maxpool')
MAXPOOL_BACKWARD = Component('maxpool_backward', 'MaxPool.backward', points=7, procedure='maxpool')
COMPONENTS = (MAXPOOL_FORWARD, MAXPOOL_BACKWARD)


def checks(t):
    configs = [
        ('2x2_s2_notebook', (3, 2, 8, 8), 2, 2, 2, '2x2 pool, stride 2 (notebook)'),
        ('3x3_s2_overlap', (2, 3, 9, 7), 3, 3, 2, '3x3 pool, stride 2 (overlapping), 9x7 input'),
        ('2x2_s1_overlap', (2, 2, 5, 6), 2, 2, 1, '2x2 pool, stride 1 (overlapping)'),
        ('2x3_s2_nonsquare', (2, 3, 6, 9), 2, 3, 2, '2x3 pool, stride 2, 6x9 input'),
        ('3x2_s3_uneven', (2, 2, 8, 7), 3, 2, 3, '3x2 pool, stride 3, window does not tile'),
        ('2x2_s2_large', (8, 3, 32, 32), 2, 2, 2, '2x2 pool, stride 2, 32x32 input'),
    ]
    out = [MAXPOOL_FORWARD.check(
        '2x2_s2_notebook_linspace',
        params={'pool_height': 2, 'pool_width': 2, 'stride': 2, 'backward': False},
        inputs={'x': lin((2, 3, 4, 4), -0.3, 0.4)},
        outputs=(Output('out', 'rel_error', t['maxpool_forward']), Output('x', 'equal', note=True)),
        description='2x2 pool, stride 2, linspace input (notebook)')]
    for name, xs, ph, pw, stride, text in configs:
        h, w = 1 + (xs[2] - ph) // stride, 1 + (xs[3] - pw) // stride
        inputs = {'x': R(xs), 'dout': R((xs[0], xs[1], h, w))}
        params = {'pool_height': ph, 'pool_width': pw, 'stride': stride}
        timeout = 60.0 if name.endswith('large') else 20.0
        advisory = untiled(xs[2:], (ph, pw), stride, 0, 'MaxPool')
        if name != '2x2_s2_notebook':
            out.append(MAXPOOL_FORWARD.check(
                name, params=dict(params, backward=False), inputs=inputs, timeout_s=timeout,
                outputs=(Output('out', 'rel_error', t['maxpool_forward']), Output('x', 'equal', note=True)),
                description=text, advisory=advisory))
        out.append(MAXPOOL_BACKWARD.check(
            name, params=dict(params, backward=True), inputs=inputs, timeout_s=timeout,
            outputs=(Output('dx', 'rel_error', t['maxpool_backward']),), description=text, advisory=advisory,
            depends_on=('maxpool_forward',)))
    return out
