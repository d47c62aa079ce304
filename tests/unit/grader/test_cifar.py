"""Reading CIFAR-10's python batches: layout, both folder shapes, hostile and broken files refused."""
import os
import pickle

import numpy as np
import pytest
import torch

from grader.scoring.cifar import TEST_FILE, TRAIN_FILES, load_cifar10, read_batch


def write_batch(path, n, offset):
    data = ((np.arange(n * 3072).reshape(n, 3072) + offset) % 256).astype(np.uint8)
    with open(path, 'wb') as f:
        pickle.dump({b'batch_label': b'x', b'labels': [(i + offset) % 10 for i in range(n)], b'data': data,
                     b'filenames': [b'a.png'] * n}, f, protocol=2)
    return data


@pytest.fixture
def cifar(tmp_path):
    folder = tmp_path / 'cifar-10-batches-py'
    folder.mkdir()
    for i, name in enumerate(TRAIN_FILES):
        write_batch(folder / name, 4, 10 * i)
    write_batch(folder / TEST_FILE, 3, 99)
    return tmp_path


def test_batches_load_in_channel_major_layout_from_either_folder(cifar):
    for root in (cifar, cifar / 'cifar-10-batches-py'):
        data = load_cifar10(str(root))
        assert data['X_train'].shape == (20, 3, 32, 32) and data['X_train'].dtype == torch.uint8
        assert data['X_test'].shape == (3, 3, 32, 32) and data['y_test'].tolist() == [9, 0, 1]
        assert data['y_train'][4:8].tolist() == [0, 1, 2, 3]       # batch 2 starts at offset 10
    raw = write_batch(cifar / 'one', 1, 0)[0]
    x, _ = read_batch(str(cifar / 'one'))
    assert x[0, 1, 0, 0] == raw[1024] and x[0, 2, 31, 31] == raw[3071]  # R plane, then G, then B


def test_a_hostile_pickle_is_refused_and_not_run(cifar, tmp_path):
    marker = tmp_path / 'ran'

    class Evil:
        def __reduce__(self):
            return (os.system, ('touch %s' % marker,))
    path = cifar / 'cifar-10-batches-py' / TEST_FILE
    path.write_bytes(pickle.dumps({b'data': Evil()}))
    with pytest.raises(ValueError, match='posix.system is not part of a CIFAR-10 batch'):
        load_cifar10(str(cifar))
    assert not marker.exists()


def test_missing_and_malformed_batches_say_what_is_wrong(cifar):
    folder = cifar / 'cifar-10-batches-py'
    (folder / 'data_batch_3').unlink()
    with pytest.raises(ValueError, match='missing data_batch_3'):
        load_cifar10(str(cifar))
    with open(folder / 'data_batch_3', 'wb') as f:
        pickle.dump({b'data': np.zeros((2, 10), np.uint8), b'labels': [0, 1]}, f)
    with pytest.raises(ValueError, match=r'expected uint8 data \(n, 3072\)'):
        load_cifar10(str(cifar))
    (folder / 'data_batch_3').write_bytes(b'not a pickle')
    with pytest.raises(ValueError, match='is not a CIFAR-10 batch'):
        load_cifar10(str(cifar))
