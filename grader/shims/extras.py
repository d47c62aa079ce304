"""Helper functions of the course packages (eecs598, utils, common), rewritten for the shims."""
import random

import torch


def reset_seed(number):
    random.seed(number)
    torch.manual_seed(number)


fix_random_seed = reset_seed


def rel_error(x, y, eps=1e-10):
    top = (x - y).abs().max().item()
    bot = (x.abs() + y.abs()).clamp(min=eps).max().item()
    return top / bot


def compute_numeric_gradient(f, x, dLdf=None, h=1e-7):
    flat_x = x.contiguous().flatten()
    grad = torch.zeros_like(x)
    flat_grad = grad.flatten()
    y = f(x)
    if dLdf is None:
        dLdf = torch.ones_like(y)
    dLdf = dLdf.flatten()
    for i in range(flat_x.shape[0]):
        old = flat_x[i].item()
        flat_x[i] = old + h
        pos = f(x).flatten()
        flat_x[i] = old - h
        neg = f(x).flatten()
        flat_x[i] = old
        flat_grad[i] = dLdf.dot((pos - neg) / (2 * h))
    return flat_grad.view(x.shape)


def hello_helper():
    print('Hello from the grader\'s helper shim!')
