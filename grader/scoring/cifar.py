"""CIFAR-10 from the standard `cifar-10-batches-py` folder, read on the trusted side only.

The batches are Python pickles. They are read with an unpickler that builds nothing but what a batch
holds (containers, bytes, strings, numbers, numpy arrays), so a batch file swapped for a hostile pickle
is refused instead of run.
"""
import os
import pickle
import warnings

import numpy as np
import torch

TRAIN_FILES = tuple('data_batch_%d' % i for i in range(1, 6))
TEST_FILE = 'test_batch'
_ALLOWED = {('numpy.core.multiarray', '_reconstruct'), ('numpy._core.multiarray', '_reconstruct'),
            ('numpy.core.multiarray', 'scalar'), ('numpy._core.multiarray', 'scalar'),
            ('numpy', 'ndarray'), ('numpy', 'dtype'),
            ('_codecs', 'encode')}                      # how protocol 2 writes bytes from Python 3: harmless


class _BatchUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError('%s.%s is not part of a CIFAR-10 batch' % (module, name))
        with warnings.catch_warnings():                 # numpy 2 renamed numpy.core; old batches say it
            warnings.simplefilter('ignore', DeprecationWarning)
            return super().find_class(module, name)


def read_batch(path):
    """(X uint8 (n, 3, 32, 32), y int64 (n,)) of one batch file; ValueError when it is not one."""
    with open(path, 'rb') as f:
        try:
            batch = _BatchUnpickler(f, encoding='bytes').load()
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as exc:
            raise ValueError('%s is not a CIFAR-10 batch: %s' % (path, exc)) from None
    if not isinstance(batch, dict):
        raise ValueError('%s is not a CIFAR-10 batch: no dict inside' % path)
    data = batch.get(b'data', batch.get('data'))
    labels = batch.get(b'labels', batch.get('labels'))
    data = np.asarray(data) if data is not None else None
    if data is None or labels is None or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072 \
            or len(labels) != data.shape[0]:
        raise ValueError('%s is not a CIFAR-10 batch: expected uint8 data (n, 3072) and n labels' % path)
    return torch.from_numpy(data.reshape(-1, 3, 32, 32).copy()), torch.tensor(list(labels), dtype=torch.int64)


def cifar_folder(root):
    """The folder holding the batches: root itself or root/cifar-10-batches-py."""
    nested = os.path.join(root, 'cifar-10-batches-py')
    return nested if os.path.isdir(nested) else root


def load_cifar10(root):
    """{'X_train', 'y_train', 'X_test', 'y_test'} (uint8 images, int64 labels); ValueError naming what is
    missing or wrong."""
    folder = cifar_folder(root)
    missing = [n for n in TRAIN_FILES + (TEST_FILE,) if not os.path.isfile(os.path.join(folder, n))]
    if missing:
        raise ValueError('no CIFAR-10 in %s: missing %s' % (folder, ', '.join(missing)))
    train = [read_batch(os.path.join(folder, n)) for n in TRAIN_FILES]
    X_test, y_test = read_batch(os.path.join(folder, TEST_FILE))
    return {'X_train': torch.cat([x for x, _ in train]), 'y_train': torch.cat([y for _, y in train]),
            'X_test': X_test, 'y_test': y_test}


def write_cifar10(root, train, test):
    """Write (X uint8 (n, 3, 32, 32), y) splits as a cifar-10-batches-py folder under root (train in five
    batches); returns the folder. For tests and smoke runs on machines without the real data."""
    folder = os.path.join(root, 'cifar-10-batches-py')
    os.makedirs(folder, exist_ok=True)
    X, y = train
    bounds = np.linspace(0, X.shape[0], len(TRAIN_FILES) + 1).astype(int)
    parts = [(name, X[a:b], y[a:b]) for name, a, b in zip(TRAIN_FILES, bounds[:-1], bounds[1:])]
    for name, images, labels in parts + [(TEST_FILE, test[0], test[1])]:
        batch = {b'batch_label': name.encode(), b'labels': [int(v) for v in labels],
                 b'data': images.reshape(images.shape[0], 3072).numpy(), b'filenames': [b'x.png'] * len(labels)}
        with open(os.path.join(folder, name), 'wb') as f:
            pickle.dump(batch, f, protocol=2)
    return folder
