"""The similarity report's cost on a class of real-size files (the instructor's page computes it on request).

    python bench/similarity.py [--students 300]

Each file: the correct vectorized solution (~54 KB, the class's shared skeleton and helpers) plus 40 lines of
its own; one renamed copy among them. Prints the first (cold) and a repeated (cached) ranking's time.
"""
import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from app.reports.similarity import rank  # noqa: E402
from tests.unit.app.test_similarity import own_code, renamed  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--students', type=int, default=300)
    args = parser.parse_args()
    with open(os.path.join(ROOT, 'tests', 'submissions', 'correct_vectorized', 'convolutional_networks.py')) as f:
        base = f.read()
    sources = {'s%03d' % i: base + '\n\ndef mine():\n        ' + own_code(i) + '\n' for i in range(args.students)}
    sources['copy'] = renamed(sources['s001'])
    kb = sum(len(s) for s in sources.values()) / len(sources) / 1024
    start = time.perf_counter()
    pairs, common = rank(sources)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    rank(sources)
    cached = time.perf_counter() - start
    print('%d files of %.0f KB: cold %.1f s, cached %.2f s; %d pair(s) listed, first %s (%.0f %%); '
          '%d fingerprints left out as shared code' % (len(sources), kb, cold, cached, len(pairs),
                                                      '/'.join(pairs[0][2:]) if pairs else '-',
                                                      100 * pairs[0][0] if pairs else 0, len(common)))


if __name__ == '__main__':
    main()
