"""Solver.train(time_limit) on a CPU counts this process's CPU time: waiting costs no training (a loaded
machine trains as much as an idle one), computing does."""
import time

import torch

from reference import Solver, ThreeLayerConvNet, adam

from ._helpers import DT


class Paced(ThreeLayerConvNet):
    """A small net whose training steps also wait or compute for a while."""

    def __init__(self, wait_s=0.0, compute_s=0.0):
        torch.manual_seed(0)
        super().__init__(input_dims=(1, 6, 6), num_filters=2, filter_size=3, hidden_dim=8, num_classes=2,
                         dtype=DT)
        self.wait_s, self.compute_s = wait_s, compute_s

    def loss(self, X, y=None):
        if y is not None:
            time.sleep(self.wait_s)
            end = time.process_time() + self.compute_s
            while time.process_time() < end:
                pass
        return super().loss(X, y)


def trained(model, time_limit):
    X, y = torch.randn(20, 1, 6, 6, dtype=DT), torch.randint(2, (20,))
    solver = Solver(model, {'X_train': X, 'y_train': y, 'X_val': X, 'y_val': y}, update_rule=adam,
                    batch_size=10, num_epochs=5, verbose=False)
    solver.train(time_limit=time_limit)
    return len(solver.loss_history)


def test_waiting_does_not_use_up_the_time_limit():
    assert trained(Paced(wait_s=0.1), time_limit=0.3) == 10          # 1 s of wall clock, little CPU


def test_computing_uses_up_the_time_limit():
    assert 2 <= trained(Paced(compute_s=0.1), time_limit=0.3) <= 4   # of 10
