"""find_overfit_parameters and create_convolutional_solver_instance: trained in the runner, measured here."""
from ..spec import Component, Output

OVERFIT = Component('overfit', 'find_overfit_parameters', points=4, procedure='overfit')
SOLVER = Component('solver', 'create_convolutional_solver_instance', points=4, procedure='solver')
COMPONENTS = (OVERFIT, SOLVER)

CIFAR_TIME_LIMIT_S = 60.0         # notebook: solver.train(time_limit=60)
# What the solver checks run: the student's own choice of net, typically a batchnorm DeepConvNet with kaiming.
TRAINING_DEPENDS = ('deep_convnet', 'deep_convnet_batchnorm', 'spatial_batchnorm_forward',
                    'spatial_batchnorm_backward', 'kaiming_initializer')


def checks(t):
    return [
        OVERFIT.check(
            'deep_convnet_50_images',
            params={'num_train': 50, 'num_epochs': 30, 'batch_size': 10, 'image_size': 32},
            timeout_s=180.0, slow=True, depends_on=('deep_convnet',),
            outputs=(Output('train_accuracy', 'at_least', t['overfit_accuracy'], check_dtype=False),),
            description='find_overfit_parameters: [8,16,32,64] net reaches 100% on 50 images'),
        SOLVER.check(
            'synthetic_cifar',
            params={'num_train': 1000, 'num_val': 200, 'num_test': 500, 'time_limit_s': 10.0, 'image_size': 32},
            timeout_s=100.0, slow=True, depends_on=TRAINING_DEPENDS,
            outputs=(Output('test_accuracy', 'at_least', t['solver_accuracy'], check_dtype=False),),
            description='create_convolutional_solver_instance trains within the time limit; '
                        'accuracy measured by the grader on held-out synthetic data'),
    ]


def cifar_checks(t):
    """The training checks on real CIFAR-10 (used when the operator configures its folder)."""
    return [
        OVERFIT.check(
            'cifar10_50_images', params={'dataset': 'cifar10', 'num_train': 50, 'num_epochs': 30, 'batch_size': 10},
            timeout_s=180.0, slow=True, depends_on=('deep_convnet',),
            outputs=(Output('train_accuracy', 'at_least', t['overfit_accuracy'], check_dtype=False),),
            description='find_overfit_parameters: [8,16,32,64] net reaches 100% on the first 50 '
                        'CIFAR-10 training images (accuracy measured by the grader)'),
        SOLVER.check(
            'cifar10', params={'dataset': 'cifar10', 'time_limit_s': CIFAR_TIME_LIMIT_S},
            timeout_s=CIFAR_TIME_LIMIT_S + 240.0, slow=True, depends_on=TRAINING_DEPENDS,
            outputs=(Output('val_accuracy', 'at_least', t['cifar_val_accuracy'], check_dtype=False),
                     Output('test_accuracy', 'at_least', t['cifar_test_accuracy'], check_dtype=False)),
            description='create_convolutional_solver_instance trains on CIFAR-10 within the time limit; '
                        'the grader measures validation and test accuracy (the test split never '
                        'reaches your code)'),
    ]
