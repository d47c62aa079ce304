"""Synthetic CIFAR-shaped data for the training checks (trusted side).

Ten classes, each a smooth random colour template; images are template * contrast plus
noise. Every split shares the templates, so a model that learns on the train split can
be measured on the others. The test split never enters the sandbox.
"""
import torch
import torch.nn.functional as F

TEMPLATE_SEED = 498


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


def training_inputs(spec):
    """The tensors sent into the sandbox and the held-out split kept outside."""
    p = spec.params
    size = p.get('image_size', 32)
    if spec.procedure == 'overfit':
        X, y = synthetic_cifar(p['num_train'], spec.seed + 1, size)
        return {'X_train': X, 'y_train': y}, {'X_test': X, 'y_test': y}
    X, y = synthetic_cifar(p['num_train'], spec.seed + 1, size)
    Xv, yv = synthetic_cifar(p['num_val'], spec.seed + 2, size)
    Xt, yt = synthetic_cifar(p['num_test'], spec.seed + 3, size)
    return {'X_train': X, 'y_train': y, 'X_val': Xv, 'y_val': yv}, {'X_test': Xt, 'y_test': yt}
