"""End-to-end grading time through the CLI, measured in one run.

    python bench/grade.py [--repeat N]

Grades the vectorized and the naive-loop correct submissions with `python -m grader grade`,
with and without the two training checks, and prints wall times, their ratio and the sum
of the check timeouts (the bound no submission may exceed).
"""
import argparse
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from grader.catalog import get_profile  # noqa: E402

SUBMISSIONS = {name: os.path.join(ROOT, 'tests', 'submissions', name, 'convolutional_networks.py')
               for name in ('correct_vectorized', 'correct_naive')}


def time_cli(path, extra, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, '-m', 'grader', 'grade', path, '--quiet', *extra],
                              cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        score, _, max_score = proc.stdout.split('total: ')[-1].split(' (')[0].partition(' / ')
        if proc.returncode != 0 or score != max_score:
            raise SystemExit('grading failed: %s %s' % (proc.stdout, proc.stderr))
    return statistics.median(times), proc.stdout.strip()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    profile = get_profile('eecs498')
    bound = sum(c.timeout_s for c in profile.checks)
    bound_fast = sum(c.timeout_s for c in profile.checks if not c.slow)
    print('machine: %d CPUs, python %s; median of %d runs' % (os.cpu_count(), sys.version.split()[0], args.repeat))
    results = {}
    for label, extra, limit in (('numeric checks (--skip-slow)', ['--skip-slow'], bound_fast),
                                ('all checks', [], bound)):
        for name, path in SUBMISSIONS.items():
            seconds, total = time_cli(path, extra, args.repeat)
            results[(label, name)] = seconds
            print('%-30s %-20s %6.2f s   %s   (sum of check timeouts %g s)' % (label, name, seconds, total, limit))
    for label in ('numeric checks (--skip-slow)', 'all checks'):
        ratio = results[(label, 'correct_naive')] / results[(label, 'correct_vectorized')]
        print('naive / vectorized, %s: %.2fx' % (label, ratio))


if __name__ == '__main__':
    main()
