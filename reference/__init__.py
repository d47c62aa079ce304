"""Reference implementation of convolutional_networks.py, with the students' public API."""
from .batchnorm import BatchNorm, SpatialBatchNorm
from .fc_layers import Linear, Linear_ReLU, ReLU
from .layers import Conv, FastConv, FastMaxPool, MaxPool
from .losses import softmax_loss, svm_loss
from .nets import DeepConvNet, ThreeLayerConvNet, kaiming_initializer
from .sandwich import (Conv_BatchNorm_ReLU, Conv_BatchNorm_ReLU_Pool, Conv_ReLU, Conv_ReLU_Pool,
                       Linear_BatchNorm_ReLU)
from .solver import Solver, adam, rmsprop, sgd, sgd_momentum


def hello_convolutional_networks():
    print('Hello from convolutional_networks.py!')


def find_overfit_parameters():
    """(weight_scale, learning_rate) that overfit 50 images with a 5-layer DeepConvNet."""
    return 1e-1, 1e-3


def create_convolutional_solver_instance(data_dict, dtype, device):
    """A Solver for a small batchnorm DeepConvNet trained with adam."""
    input_dims = tuple(data_dict['X_train'].shape[1:])
    model = DeepConvNet(input_dims=input_dims, num_classes=10, num_filters=[32, 64, 128, 128],
                        max_pools=[0, 1, 2, 3], batchnorm=True, weight_scale='kaiming', reg=1e-5,
                        dtype=dtype, device=device)
    return Solver(model, data_dict, num_epochs=20, batch_size=128, update_rule=adam,
                  optim_config={'learning_rate': 2e-3}, lr_decay=0.95, print_every=1000,
                  print_acc_every=5, verbose=False, device=device)


__all__ = [
    'BatchNorm', 'Conv', 'Conv_BatchNorm_ReLU', 'Conv_BatchNorm_ReLU_Pool', 'Conv_ReLU', 'Conv_ReLU_Pool',
    'DeepConvNet', 'FastConv', 'FastMaxPool', 'Linear', 'Linear_BatchNorm_ReLU', 'Linear_ReLU', 'MaxPool',
    'ReLU', 'Solver', 'SpatialBatchNorm', 'ThreeLayerConvNet', 'adam', 'create_convolutional_solver_instance',
    'find_overfit_parameters', 'hello_convolutional_networks', 'kaiming_initializer', 'rmsprop', 'sgd',
    'sgd_momentum', 'softmax_loss', 'svm_loss',
]
