"""What a check does to an implementation of the assignment (runs inside the runner).

Self-contained (torch and the standard library only): this file is copied into the
sandbox next to the runner. Each procedure takes the implementation module, the input
tensors, the check's parameters and a context, and returns (outputs, meta): tensors by
name plus small JSON-able facts (parameter names, class names). A component (grader/components/) names its
procedure by its key in PROCEDURES; grader/scoring/expect.py EXPECT holds the trusted half under the same key.
"""
import os

import torch


class ApiError(Exception):
    """The submission's API differs from the assignment's (arity, missing name, bad type)."""


def seed(value):
    """torch.manual_seed for this process's devices. (Before CUDA starts, torch.manual_seed formats a stack trace on
    each call for CUDA's sake: ~0.5 ms in the sandbox, whose stack's source files are not all found.)"""
    torch.default_generator.manual_seed(value)
    if torch.cuda.is_initialized():
        torch.cuda.manual_seed_all(value)


def get_attr(mod, dotted):
    obj = mod
    for part in dotted.split('.'):
        if not hasattr(obj, part):
            raise ApiError('%s is missing from your file' % dotted)
        obj = getattr(obj, part)
    return obj


def unpack(result, names, where):
    """Check a returned tuple's arity: names like ('out', 'cache')."""
    if len(names) == 1:
        if isinstance(result, (tuple, list)):
            raise ApiError('%s returned a %s of %d values; expected a single tensor %s'
                           % (where, type(result).__name__, len(result), names[0]))
        return result
    if not isinstance(result, (tuple, list)):
        raise ApiError('%s returned a %s; expected a tuple (%s)'
                       % (where, type(result).__name__, ', '.join(names)))
    if len(result) != len(names):
        raise ApiError('%s returned %d values; expected %d: (%s)'
                       % (where, len(result), len(names), ', '.join(names)))
    return result


def as_tensor(value):
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (int, float)):
        return torch.tensor(float(value), dtype=torch.float64)
    return value


def conv(mod, inp, params, ctx):
    x = inp['x'].clone()
    conv_param = {'stride': params['stride'], 'pad': params['pad']}
    res = get_attr(mod, 'Conv.forward')(x, inp['w'], inp['b'], conv_param)
    out, cache = unpack(res, ('out', 'cache'), 'Conv.forward')
    outputs = {'out': out, 'x': x}
    if params['backward']:
        res = get_attr(mod, 'Conv.backward')(inp['dout'], cache)
        outputs.update(zip(('dx', 'dw', 'db'), unpack(res, ('dx', 'dw', 'db'), 'Conv.backward')))
    return outputs, {}


def maxpool(mod, inp, params, ctx):
    x = inp['x'].clone()
    pool_param = {k: params[k] for k in ('pool_height', 'pool_width', 'stride')}
    res = get_attr(mod, 'MaxPool.forward')(x, pool_param)
    out, cache = unpack(res, ('out', 'cache'), 'MaxPool.forward')
    outputs = {'out': out, 'x': x}
    if params['backward']:
        res = get_attr(mod, 'MaxPool.backward')(inp['dout'], cache)
        outputs['dx'] = unpack(res, ('dx',), 'MaxPool.backward')
    return outputs, {}


def batchnorm(mod, inp, params, ctx):
    name = 'SpatialBatchNorm' if params['spatial'] else 'BatchNorm'
    forward = get_attr(mod, name + '.forward')
    bn_param = {'mode': 'train'}
    for key in ('eps', 'momentum'):
        if key in params:
            bn_param[key] = params[key]
    for key in ('running_mean', 'running_var'):
        if key in inp:
            bn_param[key] = inp[key].clone()
    outputs = {}
    for step in range(params['train_steps']):
        x = inp['x'][step].clone()
        res = forward(x, inp['gamma'], inp['beta'], bn_param)
        out, cache = unpack(res, ('out', 'cache'), name + '.forward')
    outputs.update(out=out, x=x)
    for key in ('running_mean', 'running_var'):
        if key in bn_param:
            outputs[key] = bn_param[key]
        elif not params.get('backward'):         # backward checks judge dx, dgamma, dbeta only
            raise ApiError("%s.forward did not store bn_param['%s']" % (name, key))
    if params.get('backward'):
        where = '%s.%s' % (name, params['backward'])
        res = get_attr(mod, where)(inp['dout'], cache)
        outputs.update(zip(('dx', 'dgamma', 'dbeta'), unpack(res, ('dx', 'dgamma', 'dbeta'), where)))
    if params.get('test'):
        bn_param['mode'] = 'test'
        res = forward(inp['x_test'].clone(), inp['gamma'], inp['beta'], bn_param)
        outputs['out_test'] = unpack(res, ('out', 'cache'), name + '.forward')[0]
    return outputs, {}


DTYPES = {'float32': torch.float32, 'float64': torch.float64}


def kaiming(mod, inp, params, ctx):
    fn = get_attr(mod, 'kaiming_initializer')
    kwargs = {'K': params['K'], 'relu': params['relu'], 'device': ctx['device']}
    if params['dtype'] != 'float32':          # float32 is the documented default
        kwargs['dtype'] = DTYPES[params['dtype']]
    return {'w': fn(params['Din'], params['Dout'], **kwargs)}, {}


def snapshot_params(model, outputs):
    params = getattr(model, 'params', None)
    if not isinstance(params, dict):
        raise ApiError('model.params is %s, not a dict' % type(params).__name__)
    for name, value in params.items():
        outputs['param.' + str(name)] = value.detach().clone() if isinstance(value, torch.Tensor) else value
    return [str(n) for n in params]


def snapshot_bn(model, outputs):
    bn_params = getattr(model, 'bn_params', None) or []
    for i, bn in enumerate(bn_params):
        for key in ('running_mean', 'running_var'):
            if isinstance(bn, dict) and key in bn:
                outputs['bn%d.%s' % (i, key)] = bn[key]
    return len(bn_params)


def build_model(mod, params, ctx, dtype=torch.float64):
    kwargs = dict(params['init'])
    if 'input_dims' in kwargs:
        kwargs['input_dims'] = tuple(kwargs['input_dims'])
    return get_attr(mod, params['cls'])(dtype=dtype, device=ctx['device'], **kwargs)


def perturb(model):
    """Move every parameter off its initial value, in place (biases and beta start at 0)."""
    params = getattr(model, 'params', None)
    if not isinstance(params, dict):
        return
    with torch.no_grad():
        for value in params.values():
            if isinstance(value, torch.Tensor) and value.is_floating_point():
                value.add_(0.1 * torch.randn(value.shape, dtype=value.dtype).to(value.device))


def init_roles(model):
    """Each parameter's start, in model.params order: 'ones', 'zeros', 'random' or 'other' (not a float tensor)."""
    params = getattr(model, 'params', None)
    if not isinstance(params, dict):
        return []
    roles = []
    for value in params.values():
        if not (isinstance(value, torch.Tensor) and value.is_floating_point() and value.numel()):
            roles.append('other')
        elif bool((value == 1).all()):
            roles.append('ones')
        else:
            roles.append('zeros' if bool((value == 0).all()) else 'random')
    return roles


def model(mod, inp, params, ctx):
    m = build_model(mod, params, ctx)
    if params.get('reg') is not None:
        m.reg = params['reg']
    roles = init_roles(m)                       # before perturb: the grader tells gamma, b and beta apart by it
    if 'perturb' in params['phases']:
        perturb(m)
    outputs = {}
    meta = {'param_names': snapshot_params(m, outputs), 'param_roles': roles, 'class': type(m).__name__}
    where = params['cls'] + '.loss'
    for phase in params['phases']:
        if phase == 'scores':
            outputs['scores'] = m.loss(inp.get('X_test', inp.get('X')))
        elif phase == 'loss':
            loss, grads = unpack(m.loss(inp['X'], inp['y']), ('loss', 'grads'), where)
            outputs['loss'] = as_tensor(loss)
            if not isinstance(grads, dict):
                raise ApiError('%s returned grads of type %s; expected a dict' % (where, type(grads).__name__))
            meta['grad_names'] = [str(n) for n in grads]
            for name, g in grads.items():
                outputs['grad.' + str(name)] = g
        elif phase == 'train3':
            for _ in range(3):
                unpack(m.loss(inp['X'], inp['y']), ('loss', 'grads'), where)
    meta['bn_params'] = snapshot_bn(m, outputs)
    return outputs, meta


def running_stats(model, num_filters, device, dtype=torch.float64):
    """Running statistics in each bn_param dict, as a training step leaves them (the skeleton's load casts
    them), set directly: the round trip does not depend on loss(X, y)."""
    bn_params = getattr(model, 'bn_params', None)
    if not isinstance(bn_params, list):
        return
    for bn, channels in zip(bn_params, num_filters):
        if isinstance(bn, dict):
            bn['running_mean'] = torch.randn(channels, dtype=dtype).to(device)
            bn['running_var'] = torch.rand(channels, dtype=dtype).add_(0.5).to(device)


def save_load(mod, inp, params, ctx):
    """save, then load into a fresh model: judged on the round trip alone (the parameters and the
    test-mode scores before and after), without loss(X, y) or its gradients."""
    m = build_model(mod, params, ctx)
    perturb(m)
    running_stats(m, params['init'].get('num_filters', ()), ctx['device'])
    outputs = {'scores_before': m.loss(inp['X'])}
    path = os.path.join(ctx['workdir'], 'saved_model.pth')
    get_attr(m, 'save')(path)
    seed(12345)
    fresh = build_model(mod, params, ctx)
    if params['cls'] == 'DeepConvNet':
        fresh.load(path, dtype=DTYPES[params.get('load_dtype', 'float64')], device=ctx['device'])
    else:
        fresh.load(path)
    outputs['scores_loaded'] = fresh.loss(inp['X'])
    loaded = {}
    meta = {'param_names': snapshot_params(fresh, loaded)}
    outputs.update({'loaded.' + k: v for k, v in loaded.items()})
    before = {}
    snapshot_params(m, before)
    outputs.update({'saved.' + k: v for k, v in before.items()})
    return outputs, meta


def describe_model(m, outputs, meta):
    meta['class'] = type(m).__name__
    meta['param_names'] = snapshot_params(m, outputs)
    meta['bn_params'] = snapshot_bn(m, outputs)
    for attr in ('max_pools', 'batchnorm', 'num_layers'):
        value = getattr(m, attr, None)
        if isinstance(value, (bool, int)) or (isinstance(value, (list, tuple))
                                              and all(isinstance(v, int) for v in value)):
            meta[attr] = list(value) if isinstance(value, (list, tuple)) else value


def images(inp, key):
    """float32 images; CIFAR-10's uint8 pixels are scaled to [0, 1] minus the training mean first."""
    x = inp[key]
    if x.dtype == torch.uint8:
        return x.float().div_(255).sub_(inp['pixel_mean'])
    return x.float()


def overfit(mod, inp, params, ctx):
    weight_scale, learning_rate = unpack(get_attr(mod, 'find_overfit_parameters')(),
                                         ('weight_scale', 'learning_rate'), 'find_overfit_parameters')
    solver_mod = ctx['solver_module']
    X, y = images(inp, 'X_train'), inp['y_train']
    m = get_attr(mod, 'DeepConvNet')(
        input_dims=tuple(X.shape[1:]), num_classes=10, num_filters=[8, 16, 32, 64],
        max_pools=[0, 1, 2, 3], reg=1e-5, weight_scale=weight_scale, dtype=torch.float32,
        device=ctx['device'])
    data = {'X_train': X, 'y_train': y, 'X_val': X, 'y_val': y}
    solver = solver_mod.Solver(m, data, print_every=1000, num_epochs=params['num_epochs'],
                               batch_size=params['batch_size'], update_rule=solver_mod.adam,
                               optim_config={'learning_rate': float(learning_rate)},
                               device=ctx['device'], verbose=False)
    solver.train(return_best_params=False)
    outputs = {}
    meta = {'weight_scale': float(weight_scale), 'learning_rate': float(learning_rate)}
    describe_model(solver.model, outputs, meta)
    return outputs, meta


def solver(mod, inp, params, ctx):
    data = {'X_train': images(inp, 'X_train'), 'y_train': inp['y_train'],
            'X_val': images(inp, 'X_val'), 'y_val': inp['y_val']}
    fn = get_attr(mod, 'create_convolutional_solver_instance')
    instance = fn(data, torch.float32, ctx['device'])
    if not hasattr(instance, 'train') or not hasattr(instance, 'model'):
        raise ApiError('create_convolutional_solver_instance returned %s, not a Solver'
                       % type(instance).__name__)
    instance.train(time_limit=params['time_limit_s'])
    outputs, meta = {}, {}
    describe_model(instance.model, outputs, meta)
    return outputs, meta


PROCEDURES = {
    'conv': conv, 'maxpool': maxpool, 'batchnorm': batchnorm, 'kaiming': kaiming, 'model': model,
    'save_load': save_load, 'overfit': overfit, 'solver': solver,
}
