"""The training checks on a CIFAR-10 folder (synthetic images in the real file format), strict sandbox:
the grader rebuilds the trained model and measures accuracy itself; the test split never enters the sandbox."""
import os

import pytest

from grader.catalog import get_profile
from grader.engine import grade
from grader.isolation.sandbox import SandboxConfig
from grader.scoring.cifar import write_cifar10
from grader.scoring.datasets import DatasetError, synthetic_pixels
from tests.submissions.bugs import BUGS, apply, base_source

pytestmark = pytest.mark.slow
PROFILE = get_profile('eecs498')
STRICT = SandboxConfig(mode='strict')
N_TRAIN, N_TEST = 1000, 300                       # -> 800 train, 200 validation (the course's 20 %)


@pytest.fixture(scope='module')
def cifar(tmp_path_factory):
    root = tmp_path_factory.mktemp('data')
    write_cifar10(str(root), synthetic_pixels(N_TRAIN, 1), synthetic_pixels(N_TEST, 3))
    return str(root)


def grade_training(source, cifar, only=('overfit', 'solver')):
    return grade(source, PROFILE, only=list(only), cifar_dir=cifar, train_time_limit_s=10.0, sandbox=STRICT)


def by_id(report):
    return {c.id: c for c in report.checks}


def test_a_model_that_trains_well_passes_both_checks(cifar):
    report = grade_training(base_source('correct_vectorized').encode(), cifar)
    checks = by_id(report)
    assert set(checks) == {'overfit.cifar10_50_images', 'solver.cifar10'}
    assert all(c.status == 'passed' and c.score == c.max_score == 4.0 for c in checks.values()), report.table()
    assert checks['solver.cifar10'].error >= 0.71                       # the lower of val and test accuracy


LIAR = '''
def _liar(solver):
    train = solver.train

    def lying_train(*args, **kwargs):             # what the student's own Solver would report
        train(*args, **kwargs)
        solver.best_val_acc = 1.0
        solver.val_acc_history.append(1.0)
        solver.check_accuracy = lambda *args, **kwargs: 1.0
    solver.train = lying_train
    return solver
'''


def test_models_that_learn_nothing_fail_whatever_they_report(cifar):
    bugs = {b.id: b for b in BUGS}
    source = apply(bugs['solver_learning_rate_typo']).decode()            # lr 2e-8
    source = source.replace('    return solver\n', '    return _liar(solver)\n') + LIAR
    overfit_bug = apply(bugs['overfit_learning_rate_too_small']).decode()  # lr 1e-6
    report = grade_training(source.encode(), cifar, only=('solver',))
    solver = by_id(report)['solver.cifar10']
    assert solver.status == 'failed' and solver.score == 0.0 and solver.error < 0.5, (report.table(), solver.output)
    report = grade_training(overfit_bug.encode(), cifar, only=('overfit',))
    overfit = by_id(report)['overfit.cifar10_50_images']
    assert overfit.status == 'failed' and overfit.score == 0.0 and overfit.error < 1.0, report.table()


WIDE = '''
def create_convolutional_solver_instance(data_dict, dtype, device):
    model = ThreeLayerConvNet(num_filters=32, hidden_dim=2600, dtype=dtype, device=device)
    solver = Solver(model, data_dict, print_every=1000, verbose=False, device=device)
    solver.train = lambda *args, **kwargs: None          # untrained: only its size matters here
    return solver
'''


def test_a_model_too_big_to_evaluate_is_a_verdict_with_its_size(cifar):
    """A ThreeLayerConvNet with a 2600-wide hidden layer (85 MB): refused by its parameter count before
    the grader allocates anything for it; the overfit check in the same grade is measured as usual."""
    report = grade_training((base_source('correct_vectorized') + WIDE).encode(), cifar)
    checks = by_id(report)
    solver = checks['solver.cifar10']
    assert solver.status == 'failed' and solver.score == 0.0
    assert ('val_accuracy not measured: your model has 21.3 M parameters; the grader evaluates models of '
            'up to 20 M') in solver.message, solver.message
    assert checks['overfit.cifar10_50_images'].status == 'passed', report.table()


SNOOP = '''
def create_convolutional_solver_instance(data_dict, dtype, device):
    import gc, os, time
    found = []
    for path in (%(test_file)r, %(folder)r):
        try:
            with open(path, 'rb') as f:
                found.append('opened ' + path + ' ' + str(len(f.read(10))))
        except OSError:
            pass
    stop = time.monotonic() + 20
    for top, dirs, files in os.walk('/'):
        if time.monotonic() > stop:
            found.append('walk unfinished')
            break
        found += [os.path.join(top, n) for n in files if 'batch' in n and 'cifar' in (top + n).lower()]
    found += [k for k, v in os.environ.items() if 'CIFAR' in k.upper() or 'cifar' in v.lower()]
    rows = sorted({t.shape[0] for t in gc.get_objects() if isinstance(t, torch.Tensor) and t.dim() == 4})
    print('FOUND', found, 'IMAGE ROWS', rows)
    return _original(data_dict, dtype, device)
'''


def test_a_solver_looking_for_the_test_split_finds_none(cifar):
    folder = os.path.join(cifar, 'cifar-10-batches-py')
    test_file = os.path.join(folder, 'test_batch')
    assert os.path.getsize(test_file) > N_TEST * 3072                   # there, on the grader's side
    source = base_source('correct_vectorized').replace('def create_convolutional_solver_instance(',
                                                       'def _original(')
    source += SNOOP % {'test_file': test_file, 'folder': folder}
    report = grade_training(source.encode(), cifar, only=('solver',))
    check = by_id(report)['solver.cifar10']
    assert 'FOUND [] IMAGE ROWS' in check.output, check.output
    rows = check.output.split('IMAGE ROWS')[1]
    assert '800' in rows and '200' in rows and str(N_TEST) not in rows  # train and validation only
    assert check.status == 'passed', report.table()                     # measured on the hidden split


def test_a_missing_cifar_folder_is_the_operators_error_named_before_grading(tmp_path):
    with pytest.raises(DatasetError, match='missing data_batch_1'):
        grade(b'x = 1\n', PROFILE, only=['solver'], cifar_dir=str(tmp_path), sandbox=STRICT)
    numeric = grade(base_source('correct_vectorized').encode(), PROFILE, only=['conv_forward'],
                    cifar_dir=str(tmp_path), sandbox=STRICT)
    assert {c.status for c in numeric.checks} == {'passed'}               # needs no training data
