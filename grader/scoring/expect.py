"""Expected values, computed on the trusted side with the reference.

For each procedure: expect(spec, inputs, actual, meta, ctx) -> (expected, actual_view, extra)
where actual_view renames the runner's outputs to the names the catalog compares and
extra holds ready-made results (parameter inits, model matching problems).
"""
import math
import time

import torch

import reference
from . import budget
from .compare import OutputResult, fail
from .metrics import describe_shape
from .params_map import MatchError, match, name_hint, student_order
from ..runner import procedures


def _reference_run(spec, inputs, ctx):
    outputs, _ = procedures.PROCEDURES[spec.procedure](reference, inputs, dict(spec.params), ctx)
    return outputs


def expect_layer(spec, inputs, actual, meta, ctx):
    expected = _reference_run(spec, inputs, {'device': 'cpu'})
    if 'x' in expected:
        expected['x'] = inputs['x'][-1] if spec.procedure == 'batchnorm' else inputs['x']
    return expected, actual, []


def expect_batchnorm(spec, inputs, actual, meta, ctx):
    inputs = dict(inputs)
    if ctx['profile'].bn_running_var_init == 'ones' and 'running_var' not in inputs:
        C = inputs['gamma'].shape[0]
        inputs['running_mean'] = torch.zeros(C, dtype=torch.float64)
        inputs['running_var'] = torch.ones(C, dtype=torch.float64)
    return expect_layer(spec, inputs, actual, meta, ctx)


def expect_kaiming(spec, inputs, actual, meta, ctx):
    p = spec.params
    fan_in = p['Din'] * (p['K'] ** 2 if p['K'] else 1)
    shape = (p['Din'], p['Dout']) if p['K'] is None else (p['Dout'], p['Din'], p['K'], p['K'])
    std = math.sqrt((2.0 if p['relu'] else 1.0) / fan_in)
    dtype = procedures.DTYPES[p['dtype']]
    expected = {'w': torch.zeros(shape, dtype=dtype),
                'std': torch.tensor(std, dtype=torch.float64), 'mean': torch.tensor(0.0, dtype=torch.float64)}
    view = dict(actual)
    w = actual.get('w')                            # statistics only of a w of the right shape
    if isinstance(w, torch.Tensor) and tuple(w.shape) == shape and w.numel() > 1 and w.is_floating_point():
        view.update(std=w.double().std(), mean=w.double().mean())
    return expected, view, []


def _reference_model(cls_name, init, reg, ctx, dtype=torch.float64):
    kwargs = dict(init)
    if 'input_dims' in kwargs:
        kwargs['input_dims'] = tuple(kwargs['input_dims'])
    kwargs['weight_scale'] = 1e-3 if kwargs.get('weight_scale') == 'kaiming' else kwargs.get('weight_scale', 1e-3)
    model = getattr(reference, cls_name)(dtype=dtype, **kwargs)
    model.reg = (reg or 0.0) * ctx['profile'].reg_scale
    if ctx['profile'].bn_running_var_init == 'ones' and getattr(model, 'bn_params', None):
        for bn_param, w in zip(model.bn_params, _conv_weights(model)):
            bn_param['running_mean'] = torch.zeros(w.shape[0], dtype=dtype)
            bn_param['running_var'] = torch.ones(w.shape[0], dtype=dtype)
    return model


def _conv_weights(model):
    return [model.params['W%d' % k] for k in range(1, model.num_layers)]


def _student_params(actual, meta):
    return {n: actual.get('param.' + n) for n in meta.get('param_names', [])}


def _roles(meta):
    """{name: 'ones' | 'zeros' | 'random'}: each parameter's start, as the runner saw it before any change."""
    names, roles = meta.get('param_names', []), meta.get('param_roles')
    return dict(zip(names, roles)) if isinstance(roles, list) and len(roles) == len(names) else {}


def _noted(notes):
    """Notes as results that pass and count for nothing."""
    return [OutputResult('params', True, 'note', message=note, note=True) for note in notes]


def _adopt(model, cls_name, student, roles=None):
    """Load the student's parameters into the reference model -> ({ref name: student name}, notes)."""
    bad = [n for n, v in student.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise MatchError('parameter %s is not a tensor' % bad[0])
    shapes = {n: tuple(v.shape) for n, v in student.items()}
    ref_shapes = {n: tuple(v.shape) for n, v in model.params.items()}
    if cls_name == 'ThreeLayerConvNet':
        if set(shapes) != set(ref_shapes):
            raise MatchError('params must be exactly W1, b1, W2, b2, W3, b3; found %s' % ', '.join(sorted(shapes)))
        for n in shapes:
            if shapes[n] != ref_shapes[n]:
                raise MatchError('%s has shape %s, expected %s' % (n, shapes[n], ref_shapes[n]))
        mapping, notes = {n: n for n in shapes}, []
    else:
        mapping, notes = match(shapes, ref_shapes, roles)
    model.params = {ref: student[stu].to(model.params[ref].dtype) for ref, stu in mapping.items()}
    return mapping, notes


def _init_results(spec, model, student, mapping, meta):
    """Shapes were checked by matching; here: std, zero biases, unit gamma, zero beta, bn_params."""
    results = []
    init = spec.params['init']
    scale = init.get('weight_scale', 1e-3)
    for ref, stu in sorted(mapping.items()):
        value = student[stu].double()
        label = 'init %s' % stu
        if ref.startswith('W'):
            if scale == 'kaiming':
                fan_in = value[0].numel() if value.dim() == 4 else value.shape[0]
                options = [math.sqrt(2.0 / fan_in)] + ([math.sqrt(1.0 / fan_in)] if value.dim() == 2 else [])
            else:
                options = [float(scale)]
            std = value.std().item()
            tol = 6.0 / math.sqrt(2 * value.numel())
            best = min(options, key=lambda s: abs(std / s - 1))
            ok = abs(std / best - 1) <= tol
            results.append(OutputResult(label, ok, 'std', message='std %.3g, expected %.3g%s'
                                        % (std, best, '' if ok else ' (tolerance %.0f%%)' % (100 * tol))))
        else:
            target = 1.0 if ref.startswith('gamma') else 0.0
            ok = bool((value == target).all())
            results.append(OutputResult(label, ok, 'equal', message='all %g' % target if ok
                                        else 'should start at %g everywhere' % target))
    if init.get('batchnorm'):
        want = len(init['num_filters'])
        got = meta.get('bn_params', 0)
        results.append(OutputResult('bn_params', got == want, 'equal',
                                    message='%d bn_param dicts, expected %d' % (got, want)))
    return results


def expect_model(spec, inputs, actual, meta, ctx):
    p = spec.params
    model = _reference_model(p['cls'], p['init'], p.get('reg'), ctx)
    student = _student_params(actual, meta)
    try:
        mapping, notes = _adopt(model, p['cls'], student, _roles(meta))
    except MatchError as exc:
        return {}, {}, [fail('params', 'meta', str(exc))]
    expected, view, extra = {}, {}, _noted(notes)
    for phase in p['phases']:
        if phase == 'init':
            extra += _init_results(spec, model, student, mapping, meta)
        elif phase == 'scores':
            expected['scores'] = model.loss(inputs.get('X_test', inputs.get('X')))
        elif phase == 'loss':
            loss, grads = model.loss(inputs['X'], inputs['y'])
            expected['loss'] = loss
            for ref, g in grads.items():
                expected['grad.' + ref] = g
                if 'grad.' + mapping[ref] in actual or mapping[ref] in meta.get('grad_names', []):
                    view['grad.' + ref] = actual.get('grad.' + mapping[ref])
        elif phase == 'train3':
            for _ in range(3):
                model.loss(inputs['X'], inputs['y'])
    for i, bn_param in enumerate(getattr(model, 'bn_params', [])):
        for key in ('running_mean', 'running_var'):
            expected['bn%d.%s' % (i, key)] = bn_param.get(key)
    for name in ('scores', 'loss') + tuple('bn%d.%s' % (i, k) for i in range(len(getattr(model, 'bn_params', [])))
                                           for k in ('running_mean', 'running_var')):
        if name in actual:
            view[name] = actual[name]
    return expected, view, extra


def expect_save_load(spec, inputs, actual, meta, ctx):
    """scores after load equal the scores before save; loaded params equal the saved ones, cast."""
    before = actual.get('scores_before')
    if not isinstance(before, torch.Tensor):
        return {}, {}, [fail('scores', 'meta', 'loss(X) did not return a tensor of scores')]
    want = (inputs['X'].shape[0], spec.params['init'].get('num_classes', 10))
    if tuple(before.shape) != want:                # it is the expected value: its size must be ours
        return {}, {}, [fail('scores_loaded', 'meta', 'loss(X) before save has shape %s, expected %s'
                             % (describe_shape(before.shape), describe_shape(want)))]
    dtype = procedures.DTYPES[spec.params.get('load_dtype', 'float64')]
    extra = []
    for name in meta.get('param_names', []):
        saved, loaded = actual.get('saved.param.' + name), actual.get('loaded.param.' + name)
        if not isinstance(loaded, torch.Tensor) or not isinstance(saved, torch.Tensor):
            extra.append(fail('params_loaded', 'equal', 'parameter %s is missing after load' % name))
        elif loaded.dtype != dtype:
            extra.append(fail('params_loaded', 'equal', 'parameter %s has dtype %s after load(dtype=%s)'
                              % (name, str(loaded.dtype)[6:], str(dtype)[6:])))
        elif saved.shape != loaded.shape:          # before the cast: saved.to(dtype) is then loaded's size
            extra.append(fail('params_loaded', 'equal', 'parameter %s has shape %s after load, %s before'
                              % (name, describe_shape(loaded.shape), describe_shape(saved.shape))))
        elif not torch.equal(saved.to(dtype), loaded):
            extra.append(fail('params_loaded', 'equal', 'parameter %s differs after load' % name))
        else:
            continue
        break
    if not extra:
        extra.append(OutputResult('params_loaded', True, 'equal', message='all parameters restored as %s'
                                  % str(dtype)[6:]))
    return {'scores_loaded': before}, {'scores_loaded': actual.get('scores_loaded')}, extra


def _tensor(student, name, dims):
    value = student.get(name)
    if not isinstance(value, torch.Tensor) or value.dim() != dims:
        raise MatchError('%s is missing or is not a %d-d tensor' % (name, dims))
    return value


def _rebuild(meta, actual, input_dims):
    """A reference model carrying the trained parameters the runner returned, its cost, and notes.

    The sizes come from the student: the cost is read from them and refused above the limits
    (budget.TooCostly) before anything is allocated; the model is laid out on the meta device,
    so matching the student's shapes against it allocates nothing either."""
    student = _student_params(actual, meta)
    if meta.get('class') == 'ThreeLayerConvNet':
        cls_name = 'ThreeLayerConvNet'
        w1, w2, w3 = _tensor(student, 'W1', 4), _tensor(student, 'W2', 2), _tensor(student, 'W3', 2)
        sizes = dict(num_filters=w1.shape[0], filter_size=w1.shape[2], hidden_dim=w2.shape[1],
                     num_classes=w3.shape[1])
        cost = budget.three_layer(input_dims, **sizes)
        budget.refuse(cost)
        model = reference.ThreeLayerConvNet(input_dims=input_dims, dtype=torch.float32, device='meta', **sizes)
    else:
        cls_name = 'DeepConvNet'
        convs = _weights(student, 4)
        if not convs:
            raise MatchError('the trained model has no 4-d conv weights in model.params')
        linear = [student[n] for n in _weights(student, 2)]
        if len(linear) != 1:
            raise MatchError('expected one linear weight in model.params, found %d' % len(linear))
        sizes = dict(num_filters=[student[n].shape[0] for n in convs], max_pools=list(meta.get('max_pools', [])),
                     batchnorm=bool(meta.get('batchnorm', False)), num_classes=linear[0].shape[1])
        if len(sizes['max_pools']) > len(convs):
            raise MatchError('max_pools has %d entries for %d conv layers' % (len(sizes['max_pools']), len(convs)))
        cost = budget.deep(input_dims, **sizes)
        budget.refuse(cost)
        model = reference.DeepConvNet(input_dims=input_dims, dtype=torch.float32, device='meta', **sizes)
    _, notes = _adopt(model, cls_name, student)   # shapes checked against the meta model, then copied
    for i, bn_param in enumerate(getattr(model, 'bn_params', [])):
        channels = model.params['gamma%d' % (i + 1)].shape
        for key in ('running_mean', 'running_var'):
            value = actual.get('bn%d.%s' % (i, key))
            if not isinstance(value, torch.Tensor):
                raise MatchError('bn_params[%d] has no %s after training' % (i, key))
            if value.shape != channels:
                raise MatchError('bn_params[%d][%r] has shape %s, expected %s'
                                 % (i, key, describe_shape(value.shape), describe_shape(channels)))
            bn_param[key] = value.float()
    return model, cost, notes


def _weights(student, dims):
    """Names of the dims-d tensors whose names do not say they are something else, in the student's order."""
    return student_order([n for n, v in student.items() if isinstance(v, torch.Tensor) and v.dim() == dims
                          and name_hint(n, dims) in (None, 'W')])


def accuracy(model, X, y, batch=200, deadline=math.inf):
    """Fraction of X the model classifies as y, batch by batch; TooCostly once past the deadline."""
    correct = 0
    with torch.no_grad():
        for i in range(0, X.shape[0], batch):
            if time.monotonic() > deadline:
                raise budget.TooCostly('evaluating your model took longer than %g s' % budget.EVAL_TIME_LIMIT_S)
            scores = model.loss(X[i:i + batch].float())
            correct += int((scores.argmax(dim=1) == y[i:i + batch]).sum())
            del scores
    return correct / X.shape[0]


def expect_training(spec, inputs, actual, meta, ctx):
    """Rebuild the trained model with the reference; measure accuracy on the grader's own copies,
    within the bounds of grader/scoring/budget.py."""
    held_out = ctx['held_out']
    names = [out.name for out in spec.outputs if out.name in held_out]
    deadline = time.monotonic() + budget.EVAL_TIME_LIMIT_S
    try:
        model, cost, notes = _rebuild(meta, actual, tuple(held_out[names[0]][0].shape[1:]))
        batch = budget.batch_size(cost)
        values = {name: torch.tensor(accuracy(model, *held_out[name], batch=batch, deadline=deadline),
                                     dtype=torch.float64) for name in names}
    except budget.TooCostly as exc:
        return {}, {}, [fail(names[0], 'at_least', 'not measured: %s' % exc)]
    except (MatchError, RuntimeError, ValueError, KeyError, MemoryError) as exc:
        return {}, {}, [fail(names[0], 'at_least', 'could not evaluate the trained model: %s' % exc)]
    return values, values, _noted(notes)


EXPECT = {
    'conv': expect_layer, 'maxpool': expect_layer, 'batchnorm': expect_batchnorm, 'kaiming': expect_kaiming,
    'model': expect_model, 'save_load': expect_save_load, 'overfit': expect_training,
    'solver': expect_training,
}
