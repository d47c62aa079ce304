"""Classification losses: (loss, dx) with the mean over N."""
import torch


def softmax_loss(x, y):
    """x (N, C) scores, y (N,) labels -> loss (scalar tensor), dx (N, C)."""
    shifted = x - x.max(dim=1, keepdim=True).values
    log_probs = shifted - shifted.exp().sum(dim=1, keepdim=True).log()
    N = x.shape[0]
    loss = -log_probs[torch.arange(N, device=x.device), y].sum() / N
    dx = log_probs.exp()
    dx[torch.arange(N, device=x.device), y] -= 1
    return loss, dx / N


def svm_loss(x, y):
    """Multiclass hinge loss with margin 1."""
    N = x.shape[0]
    rows = torch.arange(N, device=x.device)
    correct = x[rows, y].unsqueeze(1)
    margins = (x - correct + 1.0).clamp(min=0)
    margins[rows, y] = 0.0
    loss = margins.sum() / N
    positive = (margins > 0).to(x.dtype)
    dx = positive.clone()
    dx[rows, y] -= positive.sum(dim=1)
    return loss, dx / N
