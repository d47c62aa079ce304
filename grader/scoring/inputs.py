"""Deterministic float64 inputs from a check's recipe and seed (trusted side)."""
import torch

from .datasets import training_inputs


def _one(recipe, gen):
    shape = tuple(recipe.shape)
    if recipe.kind == 'randn':
        t = torch.randn(shape, generator=gen, dtype=torch.float64)
        return t * recipe.scale + recipe.shift
    if recipe.kind == 'linspace':
        n = 1
        for d in shape:
            n *= d
        return torch.linspace(recipe.low, recipe.high, steps=n, dtype=torch.float64).reshape(shape)
    if recipe.kind == 'uniform':
        t = torch.rand(shape, generator=gen, dtype=torch.float64)
        return recipe.low + (recipe.high - recipe.low) * t
    if recipe.kind == 'randint':
        return torch.randint(int(recipe.high), shape, generator=gen, dtype=torch.int64)
    raise ValueError('unknown input kind %r' % recipe.kind)


def build_inputs(spec, salt=0):
    """Tensors named as in spec.inputs, drawn in sorted-name order from spec.seed (+ salt)."""
    gen = torch.Generator().manual_seed(spec.seed * 1_000_003 + salt)
    return {name: _one(spec.inputs[name], gen) for name in sorted(spec.inputs)}


def make_inputs(spec, cifar_dir=None):
    """(tensors sent to the runner, held-out {output: (X, y)} kept on the trusted side)."""
    if spec.procedure in ('overfit', 'solver'):
        return training_inputs(spec, cifar_dir)
    return build_inputs(spec), {}
