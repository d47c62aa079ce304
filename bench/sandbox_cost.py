"""Fixed cost of the sandbox per submission, measured in one run.

    python bench/sandbox_cost.py [--repeat N]

Grades the vectorized correct submission with one fast check (so the time is almost all
fixed cost: runner start, torch import, seccomp, teardown) and with every numeric check, in
the strict sandbox (bubblewrap + uid + rlimits + cgroup + seccomp) and in weak mode (the
same minus the namespaces), and times a bare `python -c "import torch"` as the floor.
"""
import argparse
import os
import sys
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from grader.catalog import get_profile  # noqa: E402
from timing import median_time  # noqa: E402
from grader.engine import grade  # noqa: E402
from grader.isolation.sandbox import SandboxConfig, plan  # noqa: E402

SOURCE = open(os.path.join(ROOT, 'tests', 'submissions', 'correct_vectorized', 'convolutional_networks.py'),
              'rb').read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--repeat', type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter('ignore', RuntimeWarning)
    profile = get_profile('eecs498')
    configs = {'strict': SandboxConfig(mode='strict'), 'weak': SandboxConfig(mode='weak'),
               'none': SandboxConfig(mode='weak', user=None, seccomp=False, cgroup=False)}
    rows = {}
    for mode, config in configs.items():
        print('%s: %s' % (mode, plan(config).describe()))
        for label, only, skip in (('1 check', ['conv_forward.s1_p0'], True), ('numeric checks', None, True)):
            def run():
                report = grade(SOURCE, profile, only=only, skip_slow=skip, sandbox=config)
                assert report.score == report.max_score
            rows[(mode, label)] = median_time(run, args.repeat)[0]
            print('  %-15s %.3f s' % (label, rows[(mode, label)]))
    for label in ('1 check', 'numeric checks'):
        for mode in ('strict', 'weak'):
            ratio = rows[(mode, label)] / rows[('none', label)]
            extra = 1000 * (rows[(mode, label)] - rows[('none', label)])
            print('%s / none, %s: %.2fx (%+.0f ms)' % (mode, label, ratio, extra))
    print('sandbox fixed cost per submission (strict minus none, 1 check): %.0f ms'
          % (1000 * (rows[('strict', '1 check')] - rows[('none', '1 check')])))


if __name__ == '__main__':
    main()
