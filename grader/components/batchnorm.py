"""BatchNorm (forward, backward, backward_alt) and SpatialBatchNorm (forward, backward): train and test mode."""
from ..spec import Component, Output, Tensor
from .recipes import R

BATCHNORM_FORWARD = Component('batchnorm_forward', 'BatchNorm.forward', points=8, procedure='batchnorm')
BATCHNORM_BACKWARD = Component('batchnorm_backward', 'BatchNorm.backward', points=8, procedure='batchnorm')
BATCHNORM_BACKWARD_ALT = Component('batchnorm_backward_alt', 'BatchNorm.backward_alt', points=4,
                                   procedure='batchnorm')
SPATIAL_BATCHNORM_FORWARD = Component('spatial_batchnorm_forward', 'SpatialBatchNorm.forward', points=5,
                                      procedure='batchnorm')
SPATIAL_BATCHNORM_BACKWARD = Component('spatial_batchnorm_backward', 'SpatialBatchNorm.backward', points=5,
                                       procedure='batchnorm')
COMPONENTS = (BATCHNORM_FORWARD, BATCHNORM_BACKWARD, BATCHNORM_BACKWARD_ALT, SPATIAL_BATCHNORM_FORWARD,
              SPATIAL_BATCHNORM_BACKWARD)

# Inputs of the eps configurations: a batch variance of ~2.5e-3, so eps 1e-3 moves every output and gradient
# far above the thresholds (with the default scale 5, dropping eps moved SpatialBatchNorm's dx by 2e-5 only).
EPS_SCALE = 0.05


def _bn_inputs(shape, steps=1, test_n=None, scale=5.0, shift=12.0, running=False):
    C = shape[1]
    inputs = {'x': Tensor((steps,) + shape, scale=scale, shift=shift), 'gamma': R((C,)),
              'beta': R((C,)), 'dout': R(shape)}
    if test_n:
        inputs['x_test'] = Tensor((test_n,) + shape[1:], scale=scale, shift=shift)
    if running:
        inputs['running_mean'] = Tensor((C,), scale=2.0, shift=10.0)
        inputs['running_var'] = Tensor((C,), kind='uniform', low=1.0, high=30.0)
    return inputs


def _family(t, spatial):
    forward, backward = ((SPATIAL_BATCHNORM_FORWARD, SPATIAL_BATCHNORM_BACKWARD) if spatial
                         else (BATCHNORM_FORWARD, BATCHNORM_BACKWARD))
    fwd, bwd = t[forward.id], t[backward.id]
    s = (lambda n, d: (n, d, 4, 5)) if spatial else (lambda n, d: (n, d))
    base = {'spatial': spatial}
    depends = ('batchnorm_forward',) if spatial else ()
    back_depends = depends + (forward.id,) + (('batchnorm_backward', 'batchnorm_backward_alt') if spatial else ())
    stats = (Output('running_mean', 'rel_error', fwd), Output('running_var', 'rel_error', fwd))
    out = [
        forward.check('train', params=dict(base, train_steps=1), inputs=_bn_inputs(s(32, 6)),
                      outputs=(Output('out', 'rel_error', fwd), Output('x', 'equal', note=True)) + stats,
                      depends_on=depends, description='train mode, random gamma/beta, default running stats'),
        forward.check('train_eps_momentum', params=dict(base, train_steps=1, eps=1e-3, momentum=0.7),
                      inputs=_bn_inputs(s(16, 5), running=True, scale=EPS_SCALE),
                      outputs=(Output('out', 'rel_error', fwd),) + stats, depends_on=depends,
                      description='train mode, eps 1e-3, momentum 0.7, given running stats'),
        forward.check('test_after_training', params=dict(base, train_steps=5, test=True),
                      inputs=_bn_inputs(s(24, 4), steps=5, test_n=10),
                      outputs=(Output('out_test', 'rel_error', fwd),) + stats, depends_on=depends,
                      description='test mode after 5 training steps uses the running statistics'),
    ]
    grads = tuple(Output(n, 'rel_error', bwd) for n in ('dx', 'dgamma', 'dbeta'))
    for name, shape, extra in (('notebook', s(4, 5), {}), ('eps_1e-3', s(10, 7), {'eps': 1e-3})):
        out.append(backward.check(
            name, params=dict(base, train_steps=1, backward='backward', **extra),
            inputs=_bn_inputs(shape, scale=EPS_SCALE if extra else 5.0), outputs=grads, depends_on=back_depends,
            description='train-mode backward, N=%d' % shape[0] + (', eps 1e-3' if extra else '')))
    if not spatial:
        alt = tuple(Output(n, 'rel_error', t['batchnorm_backward_alt']) for n in ('dx', 'dgamma', 'dbeta'))
        for name, shape in (('small', (4, 5)), ('wide', (128, 64))):
            out.append(BATCHNORM_BACKWARD_ALT.check(
                name, params=dict(base, train_steps=1, backward='backward_alt'),
                inputs=_bn_inputs(shape), outputs=alt, depends_on=('batchnorm_forward',),
                description='backward_alt with the forward cache, N=%d, D=%d' % shape))
    return out


def checks(t):
    return _family(t, False) + _family(t, True)
