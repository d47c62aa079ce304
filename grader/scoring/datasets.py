"""Training data for the overfit and solver checks (trusted side).

Synthetic CIFAR-shaped data by default: ten classes, each a smooth random colour template;
images are template * contrast plus noise, and every split shares the templates. With an
operator's CIFAR-10 folder, the checks marked dataset='cifar10' use the real images split as
the course does (last 20 % of the training batches for validation, pixels / 255 minus the
per-channel mean of the training batches); images travel as uint8 and the runner scales them.

training_inputs returns (tensors sent into the sandbox, {output name: (X, y)} the grader
measures accuracy on). The test split never enters the sandbox.
"""
import functools
import os

import torch
import torch.nn.functional as F

from .cifar import load_cifar10

TEMPLATE_SEED = 498
VALIDATION_RATIO = 0.2


class DatasetError(Exception):
    """The configured training data cannot be used (the operator's problem, not the student's)."""


def templates(classes=10, image_size=32):
    gen = torch.Generator().manual_seed(TEMPLATE_SEED)
    coarse = torch.randn(classes, 3, 4, 4, generator=gen, dtype=torch.float64)
    return F.interpolate(coarse, size=(image_size, image_size), mode='bilinear', align_corners=False)


def synthetic_cifar(n, seed, image_size=32, classes=10, noise=1.0):
    """(X (n, 3, S, S) float64, y (n,) int64), deterministic in seed."""
    gen = torch.Generator().manual_seed(seed)
    y = torch.randint(classes, (n,), generator=gen)
    contrast = 0.5 + torch.rand(n, 1, 1, 1, generator=gen, dtype=torch.float64)
    X = templates(classes, image_size)[y] * contrast
    X = X + noise * torch.randn(X.shape, generator=gen, dtype=torch.float64)
    return X, y


def synthetic_pixels(n, seed, noise=0.5):
    """synthetic_cifar as CIFAR-10 stores it: uint8 pixels (n, 3, 32, 32) and int64 labels."""
    X, y = synthetic_cifar(n, seed, noise=noise)
    return (128 + 40 * X).round().clamp(0, 255).to(torch.uint8), y


def as_pixels(X, pixel_mean):
    """uint8 images -> float32 / 255 minus the training mean (the runner does the same)."""
    return X.float().div_(255).sub_(pixel_mean)


def cifar_splits(root):
    """{'train', 'val', 'test': (uint8 X, y)} and the (1, 3, 1, 1) float32 pixel mean; cached per folder."""
    return _cifar_splits(os.fspath(root))


@functools.lru_cache(maxsize=2)
def _cifar_splits(root):
    try:
        data = load_cifar10(root)
    except (OSError, ValueError) as exc:
        raise DatasetError(str(exc)) from None
    X, y = data['X_train'], data['y_train']
    n_train = int(X.shape[0] * (1 - VALIDATION_RATIO))
    mean = torch.stack([X[:, c].sum(dtype=torch.float64) for c in range(3)]) / (X[:, 0].numel() * 255.0)
    return {'train': (X[:n_train], y[:n_train]), 'val': (X[n_train:], y[n_train:]),
            'test': (data['X_test'], data['y_test']),
            'pixel_mean': mean.float().reshape(1, 3, 1, 1)}


def _synthetic(spec):
    p = spec.params
    size = p.get('image_size', 32)
    X, y = synthetic_cifar(p['num_train'], spec.seed + 1, size)
    if spec.procedure == 'overfit':
        return {'X_train': X, 'y_train': y}, {'train_accuracy': (X, y)}
    Xv, yv = synthetic_cifar(p['num_val'], spec.seed + 2, size)
    Xt, yt = synthetic_cifar(p['num_test'], spec.seed + 3, size)
    return ({'X_train': X, 'y_train': y, 'X_val': Xv, 'y_val': yv},
            {'val_accuracy': (Xv, yv), 'test_accuracy': (Xt, yt)})


def _cifar(spec, root):
    if not root:
        raise DatasetError('check %s needs CIFAR-10, but no CIFAR folder is configured' % spec.id)
    splits = cifar_splits(root)
    mean = splits['pixel_mean']
    X, y = splits['train']
    if spec.procedure == 'overfit':
        X, y = X[:spec.params['num_train']], y[:spec.params['num_train']]
        return {'X_train': X, 'y_train': y, 'pixel_mean': mean}, {'train_accuracy': (as_pixels(X, mean), y)}
    Xv, yv = splits['val']
    Xt, yt = splits['test']
    return ({'X_train': X, 'y_train': y, 'X_val': Xv, 'y_val': yv, 'pixel_mean': mean},
            {'val_accuracy': (as_pixels(Xv, mean), yv), 'test_accuracy': (as_pixels(Xt, mean), yt)})


def training_inputs(spec, cifar_dir=None):
    """The tensors sent into the sandbox and {output name: (X, y)} the grader scores on."""
    if spec.params.get('dataset') == 'cifar10':
        return _cifar(spec, cifar_dir)
    return _synthetic(spec)
