"""A reproducer per check: a short Python snippet a student runs beside their file to see a check's error.

It rebuilds the check's inputs exactly as grader/scoring/inputs.py draws them (same seed, order, dtype and
generator calls), calls the student's functions as grader/runner/procedures.py does, and compares with values
torch's own layers compute at run time (torch.nn.functional and autograd), using the course's rel_error. It holds
no expected value and no line of reference/. Layer checks (Conv, MaxPool, BatchNorm, SpatialBatchNorm),
kaiming_initializer (its sample's std against sqrt(gain / fan_in)) and the models' loss and gradient checks
(the model's own parameters, named as the skeleton names them, through torch's layers); other checks get ''
(init statistics, test mode after training, save/load round trips, training on held-out data).
Pure: catalog data in, text out; the text holds only catalog data, never a student's.
"""
SUPPORTED = ('conv', 'maxpool', 'batchnorm', 'kaiming', 'model')
SEED_FACTOR = 1_000_003          # grader/scoring/inputs.py: Generator().manual_seed(seed * 1_000_003 + salt)

HEADER = '''\
# Reproduces {check} ({description}).
# Save beside your {file} and run it with python. The values it compares with come from
# torch's own layers at run time (torch.nn.functional, autograd) or the assignment's formula,
# with the course's rel_error.
import random

import torch
import torch.nn.functional as F

import {module} as student


def rel_error(x, y, eps=1e-10):
    x, y = x.double(), y.double()
    top = (x - y).abs().max().item()
    bot = (x.abs() + y.abs()).clamp(min=eps).max().item()
    return top / bot


def shape(t):
    return '(%s)' % ', '.join(str(d) for d in t.shape)


def report(name, got, want, threshold, metric='rel_error'):
    if not isinstance(got, torch.Tensor):
        print('%s is %s, not a tensor' % (name, type(got).__name__))
    elif tuple(got.shape) != tuple(want.shape):
        print('%s has shape %s, expected %s' % (name, shape(got), shape(want)))
    elif got.dtype != want.dtype:
        print('%s has dtype %s, expected %s' % (name, str(got.dtype)[6:], str(want.dtype)[6:]))
    else:
        error = rel_error(got, want) if metric == 'rel_error' else (got.double() - want.double()).abs().max().item()
        print('%s: %s %.1e %s %.0e' % (name, metric, error, '<=' if error <= threshold else '>', threshold))


torch.manual_seed({seed})                 # the grader seeds torch and random before each check
random.seed({seed})
gen = torch.Generator().manual_seed({gen_seed})   # the check's inputs, drawn in this order
'''


def _shape(shape):
    return repr(tuple(int(d) for d in shape))


def _draw(name, recipe):
    """One input, as grader/scoring/inputs.py draws it (the same expression, so the same bits)."""
    shape = _shape(tuple(recipe.shape))
    if recipe.kind == 'randn':
        text = 'torch.randn(%s, generator=gen, dtype=torch.float64)' % shape
        if (recipe.scale, recipe.shift) != (1.0, 0.0):
            text += ' * %r + %r' % (float(recipe.scale), float(recipe.shift))
    elif recipe.kind == 'linspace':
        n = 1
        for d in recipe.shape:
            n *= d
        text = 'torch.linspace(%r, %r, steps=%d, dtype=torch.float64).reshape(%s)' % (
            float(recipe.low), float(recipe.high), n, shape)
    elif recipe.kind == 'uniform':
        text = '%r + %r * torch.rand(%s, generator=gen, dtype=torch.float64)' % (
            float(recipe.low), float(recipe.high) - float(recipe.low), shape)
    elif recipe.kind == 'randint':
        text = 'torch.randint(%d, %s, generator=gen, dtype=torch.int64)' % (int(recipe.high), shape)
    else:
        raise ValueError('unknown input kind %r' % recipe.kind)
    return '%s = %s' % (name, text)


def _thresholds(spec):
    return {o.name: o.threshold for o in spec.outputs}


def _conv(spec, t):
    p = spec.params
    lines = ['x_in = x.clone()',
             "out, cache = student.Conv.forward(x_in, w, b, {'stride': %d, 'pad': %d})" % (p['stride'], p['pad']),
             'xr, wr, br = (v.clone().requires_grad_() for v in (x, w, b))',
             'want = F.conv2d(xr, wr, br, stride=%d, padding=%d)' % (p['stride'], p['pad'])]
    if 'out' in t:
        lines.append("report('out', out, want.detach(), %r)" % t['out'])
    if p['backward']:
        lines += ['dx, dw, db = student.Conv.backward(dout, cache)', 'want.backward(dout)']
        lines += ["report('%s', %s, %s.grad, %r)" % (g, g, v, t[g]) for g, v in
                  (('dx', 'xr'), ('dw', 'wr'), ('db', 'br')) if g in t]
    return lines


def _maxpool(spec, t):
    p = spec.params
    lines = ['x_in = x.clone()',
             "pool_param = {'pool_height': %d, 'pool_width': %d, 'stride': %d}"
             % (p['pool_height'], p['pool_width'], p['stride']),
             'out, cache = student.MaxPool.forward(x_in, pool_param)',
             'xr = x.clone().requires_grad_()',
             'want = F.max_pool2d(xr, (%d, %d), stride=%d)' % (p['pool_height'], p['pool_width'], p['stride'])]
    if 'out' in t:
        lines.append("report('out', out, want.detach(), %r)" % t['out'])
    if p['backward']:
        lines += ['dx = student.MaxPool.backward(dout, cache)', 'want.backward(dout)',
                  "report('dx', dx, xr.grad, %r)" % t['dx']]
    return lines


def _batchnorm(spec, t, profile):
    p = spec.params
    name = 'SpatialBatchNorm' if p['spatial'] else 'BatchNorm'
    eps, momentum = p.get('eps', 1e-5), p.get('momentum', 0.9)
    dims = '(0, 2, 3)' if p['spatial'] else '0'
    lines = ["bn_param = {'mode': 'train'%s}" % ''.join(
        ", '%s': %r" % (k, p[k]) for k in ('eps', 'momentum') if k in p)]
    if 'running_mean' in spec.inputs:
        lines += ["bn_param['running_mean'] = running_mean.clone()", "bn_param['running_var'] = running_var.clone()",
                  'mean_, var_ = running_mean.clone(), running_var.clone()']
    else:
        start, channels = ('ones' if profile.bn_running_var_init == 'ones' else 'zeros'), spec.inputs['gamma'].shape[0]
        lines.append('mean_, var_ = torch.zeros(%d, dtype=torch.float64), torch.%s(%d, dtype=torch.float64)'
                     % (channels, start, channels))
        lines.append("# your forward fills in bn_param's running statistics (%s) itself" % start)
    lines += ['for step in range(%d):' % p['train_steps'],
              '    x_in = x[step].clone()',
              '    out, cache = student.%s.forward(x_in, gamma, beta, bn_param)' % name,
              '    mean_ = %r * mean_ + (1 - %r) * x[step].mean(%s)' % (momentum, momentum, dims),
              '    var_ = %r * var_ + (1 - %r) * x[step].var(%s, unbiased=False)' % (momentum, momentum, dims)]
    if 'out' in t or p.get('backward'):
        lines += ['xr, gr, br = (v.clone().requires_grad_() for v in (x[-1], gamma, beta))',
                  'want = F.batch_norm(xr, None, None, gr, br, training=True, eps=%r)' % eps]
    if 'out' in t:
        lines.append("report('out', out, want.detach(), %r)" % t['out'])
    for key in ('running_mean', 'running_var'):
        if key in t:
            lines.append("report('%s', bn_param.get('%s'), %s_, %r)" % (key, key, key.split('_')[1], t[key]))
    if p.get('backward'):
        lines += ['dx, dgamma, dbeta = student.%s.%s(dout, cache)' % (name, p['backward']), 'want.backward(dout)']
        lines += ["report('%s', %s, %s.grad, %r)" % (g, g, v, t[g]) for g, v in
                  (('dx', 'xr'), ('dgamma', 'gr'), ('dbeta', 'br')) if g in t]
    if p.get('test'):
        lines += ["bn_param['mode'] = 'test'",
                  'out_test, _ = student.%s.forward(x_test.clone(), gamma, beta, bn_param)' % name,
                  'want = F.batch_norm(x_test, mean_, var_, gamma, beta, training=False, eps=%r)' % eps,
                  "report('out_test', out_test, want, %r)" % t['out_test']]
    return lines


def _kaiming(spec, t):
    p = spec.params
    k = p['K']
    shape = (p['Din'], p['Dout']) if k is None else (p['Dout'], p['Din'], k, k)
    fan_in = p['Din'] * (k * k if k else 1)
    args = 'K=%r, relu=%r, device=%r' % (k, p['relu'], 'cpu')
    if p['dtype'] != 'float32':                       # float32 is the documented default
        args += ', dtype=torch.%s' % p['dtype']
    return [
        'w = student.kaiming_initializer(%d, %d, %s)' % (p['Din'], p['Dout'], args),
        'if not isinstance(w, torch.Tensor):',
        "    print('w is %s, not a tensor' % type(w).__name__)",
        'elif tuple(w.shape) != %r:' % (shape,),
        "    print('w has shape %%s, expected %s' %% shape(w))" % ('(%s)' % ', '.join(str(d) for d in shape)),
        'elif w.dtype != torch.%s:' % p['dtype'],
        "    print('w has dtype %%s, expected %s' %% str(w.dtype)[6:])" % p['dtype'],
        'else:',
        '    target = (%r / %d) ** 0.5           # the std asked for: sqrt(gain / fan_in)'
        % (2.0 if p['relu'] else 1.0, fan_in),
        '    error = rel_error(w.double().std(), torch.full((), target, dtype=torch.float64))',
        '    threshold = %r           # the check\'s: 6 standard errors of a sample this size' % t['std'],
        "    print('std: rel_error %.1e %s %.0e' % (error, '<=' if error <= threshold else '>', threshold))",
        '    error = w.double().mean().abs().item()',
        '    threshold = %r' % t['mean'],
        "    print('mean: abs_error %.1e %s %.0e' % (error, '<=' if error <= threshold else '>', threshold))",
    ]


def _forward(spec):
    """Lines computing `want` (the scores) from P, the model's own parameters, with torch's layers."""
    init = spec.params['init']
    if spec.params['cls'] == 'ThreeLayerConvNet':
        return ["h = F.conv2d(X, P['W1'], P['b1'], padding=(P['W1'].shape[2] - 1) // 2)",
                'h = F.max_pool2d(F.relu(h), 2, stride=2).flatten(1)',
                "want = F.relu(h @ P['W2'] + P['b2']) @ P['W3'] + P['b3']"]
    layers = len(init.get('num_filters', [8, 8, 8, 8, 8])) + 1
    pools = list(init.get('max_pools', [0, 1, 2, 3, 4]))
    bn = ('gamma', 'beta') if init.get('batchnorm') else ()
    names = ['%s%d' % (n, k) for k in range(1, layers) for n in ('W', 'b') + bn] + ['W%d' % layers, 'b%d' % layers]
    lines = ['for name in %r:' % (tuple(names),),
             '    if name not in P:                # the grader matches other names by shape; this file does not',
             "        raise SystemExit('this reproducer needs the skeleton\\'s parameter names: no %s in model.params'"
             ' % name)',
             'h = X',
             'for k in range(1, %d):' % layers,
             "    h = F.conv2d(h, P['W%d' % k], P['b%d' % k], padding=1)"]
    if init.get('batchnorm'):
        lines.append("    h = F.batch_norm(h, None, None, P['gamma%d' % k], P['beta%d' % k], training=True, eps=1e-5)")
    lines += ['    h = F.relu(h)',
              '    if k - 1 in %r:' % pools,
              '        h = F.max_pool2d(h, 2, stride=2)',
              "want = h.flatten(1) @ P['W%d'] + P['b%d']" % (layers, layers)]
    return lines


def _model(spec, t, profile):
    """A model check as the runner drives it (init, perturb, phases), against the model's own parameters run
    through torch's layers, softmax cross-entropy and reg * sum(W ** 2)."""
    p = spec.params
    init = dict(p['init'])
    if 'input_dims' in init:
        init['input_dims'] = tuple(init['input_dims'])
    args = ''.join(', %s=%r' % (k, init[k]) for k in sorted(init))
    lines = ["model = student.%s(dtype=torch.float64, device='cpu'%s)" % (p['cls'], args)]
    if p.get('reg') is not None:
        lines.append('model.reg = %r' % p['reg'])
    if 'perturb' in p['phases']:
        lines += ['with torch.no_grad():                  # the grader moves every parameter off its start',
                  '    for value in model.params.values():',
                  '        if isinstance(value, torch.Tensor) and value.is_floating_point():',
                  '            value.add_(0.1 * torch.randn(value.shape, dtype=value.dtype).to(value.device))']
    lines.append('P = {k: v.detach().clone().requires_grad_() for k, v in model.params.items()}')
    lines += _forward(spec)
    for phase in p['phases']:
        if phase == 'scores' and 'scores' in t:
            lines += ['scores = model.loss(X)', "report('scores', scores, want.detach(), %r)" % t['scores']]
        elif phase == 'loss':
            reg = (p.get('reg') or 0.0) * profile.reg_scale
            layers = 3 if p['cls'] == 'ThreeLayerConvNet' else len(init.get('num_filters', [8] * 5)) + 1
            weights = tuple('W%d' % k for k in range(1, layers + 1))
            lines += ['loss, grads = model.loss(X, y)',
                      'loss = loss if isinstance(loss, torch.Tensor) else torch.full((), float(loss), '
                      'dtype=torch.float64)',
                      'want_loss = F.cross_entropy(want, y) + %r * sum((P[n] ** 2).sum() for n in %r)' % (reg, weights),
                      "report('loss', loss, want_loss.detach(), %r)" % t['loss']]
            grads = [o for o in spec.outputs if o.name.startswith('grad.')]
            if grads:
                lines.append('want_loss.backward()')
                lines += ["report('%s', grads.get('%s'), P['%s'].grad, %r%s)"
                          % (o.name, o.name[5:], o.name[5:], o.threshold,
                             '' if o.metric == 'rel_error' else ', %r' % o.metric) for o in grads]
    return lines


def reproducer(spec, profile):
    """The snippet of one check (a CheckSpec of `profile`), or '' where the check has none."""
    if spec.procedure not in SUPPORTED or spec.visibility != 'visible':
        return ''
    if spec.procedure == 'model' and not set(spec.params['phases']) <= {'perturb', 'scores', 'loss'}:
        return ''                               # init statistics, or test mode after training steps
    t = _thresholds(spec)
    module = profile.graded_file[:-3] if profile.graded_file.endswith('.py') else profile.graded_file
    text = HEADER.format(check=spec.id, description=spec.description, file=profile.graded_file, module=module,
                         seed=spec.seed, gen_seed=spec.seed * SEED_FACTOR)
    body = [_draw(name, spec.inputs[name]) for name in sorted(spec.inputs)]
    if spec.procedure == 'conv':
        body += _conv(spec, t)
    elif spec.procedure == 'maxpool':
        body += _maxpool(spec, t)
    elif spec.procedure == 'kaiming':
        body += _kaiming(spec, t)
    elif spec.procedure == 'model':
        body += _model(spec, t, profile)
    else:
        body += _batchnorm(spec, t, profile)
    if 'x' in t:
        body.append("print('x: changed in place' if not torch.equal(x_in, x%s) else 'x: unchanged')"
                    % ('[-1]' if spec.procedure == 'batchnorm' else ''))
    return text + '\n'.join(body) + '\n'


def reproducer_for(profile, check_id):
    """reproducer() by check id ('' for an id the profile does not have)."""
    for spec in profile.checks + profile.cifar_checks:
        if spec.id == check_id:
            return reproducer(spec, profile)
    return ''
