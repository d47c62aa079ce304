"""What the sandbox costs: sandboxed grading vs the same checks run in-process, measured in one run.

    python bench/overhead.py [--repeat 5]

In-process: the student module imported once into this process, every numeric check's procedure called
directly and compared with the reference (no runner, no pipes, no safetensors, no isolation): the floor.
Sandboxed: grader.engine.grade() in the strict sandbox, runners started by bubblewrap or forked by the fork
server, each with a warm pool (a started runner, one per submission) and without one (cold). Ends with the
line `overhead ratio R (fixed cost N ms)` for the service's default (fork server, warm pool):
R = sandboxed / in-process over all numeric checks, the fixed cost = the same difference for one check.
"""
import argparse
import gc
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import torch  # noqa: E402

from grader.catalog import get_profile  # noqa: E402
from grader.engine import grade, select_checks  # noqa: E402
from grader.isolation import teardown  # noqa: E402
from grader.isolation.pool import WarmPool  # noqa: E402
from grader.isolation.runner_files import RunnerFiles  # noqa: E402
from grader.isolation.sandbox import SandboxConfig  # noqa: E402
from grader.scoring.compare import compare_output  # noqa: E402
from grader.scoring.expect import EXPECT  # noqa: E402
from grader.scoring.inputs import make_inputs  # noqa: E402
from timing import interleaved_medians  # noqa: E402

SOURCE = open(os.path.join(ROOT, 'tests', 'submissions', 'correct_vectorized', 'convolutional_networks.py'),
              'rb').read()
PROFILE = get_profile('eecs498')
STRICT = SandboxConfig(mode='strict')
FORK_SERVER = SandboxConfig(mode='strict', fork_server=True)       # the service's default


def in_process(specs):
    """Import the submission here once, then run and compare every check; -> passed count."""
    files = RunnerFiles(SOURCE, PROFILE)
    sys.path[:0] = [files.submission_dir, files.runner_dir]
    import importlib

    import procedures
    import stubs
    stubs.install()
    module = importlib.import_module(files.module)
    ctx = {'device': 'cpu', 'workdir': files.scratch_dir, 'solver_module': importlib.import_module(files.solver_module),
           'profile': PROFILE}
    passed = 0
    for spec in specs:
        inputs, held_out = make_inputs(spec)
        torch.manual_seed(spec.seed)
        outputs, meta = procedures.PROCEDURES[spec.procedure](module, dict(inputs), dict(spec.params), ctx)
        actual = {k: v for k, v in outputs.items() if isinstance(v, torch.Tensor)}
        expected, view, results = EXPECT[spec.procedure](spec, inputs, actual, meta, dict(ctx, held_out=held_out))
        results = list(results) + [compare_output(out, expected, view, meta, 'cpu')
                                   for out in spec.outputs if out.name in expected]
        passed += all(r.passed for r in results)
    for name in (files.module, files.solver_module, 'procedures', 'stubs'):
        sys.modules.pop(name, None)
    del sys.path[:2]
    files.cleanup()
    return passed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--repeat', type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    numeric = select_checks(PROFILE, skip_slow=True)
    one = [numeric[0]]
    configs = (('bubblewrap', STRICT), ('fork server', FORK_SERVER))
    pools = {name: WarmPool(config, 'cpu', size=1) for name, config in configs}

    refills = {}

    def quiet():
        """Before every timed run, untimed: the last run's teardown is over and a pool it took a runner from
        has its replacement warmed up, and a full garbage collection: no variant pays for the one before it."""
        teardown.wait_all()
        for name, pool in pools.items():
            if refills.get(name) != pool.started + pool.failed:
                pool.wait_full()
                time.sleep(2.5)
                refills[name] = pool.started + pool.failed
        gc.collect()

    def sandboxed(specs, config, pool=None):
        return grade(SOURCE, PROFILE, only=[s.id for s in specs], sandbox=config, pool=pool).score

    rows = {}
    for label, specs in (('1 check', one), ('numeric checks (%d)' % len(numeric), numeric)):
        assert in_process(specs) == len(specs), 'the in-process run failed a check'
        runs = {'in-process': (lambda: in_process(specs), quiet)}
        for name, config in configs:
            pool = pools[name]
            runs[name, 'warm'] = (lambda c=config, p=pool: sandboxed(specs, c, p), quiet)
            runs[name, 'cold'] = (lambda c=config: sandboxed(specs, c), quiet)
        medians = interleaved_medians(runs, args.repeat)
        base = medians['in-process']
        cells = []
        for name, _ in configs:
            warm, cold = medians[name, 'warm'], medians[name, 'cold']
            rows[label, name] = (base, warm)
            cells.append('%s: warm pool %.3f s (%.2fx), cold %.3f s (%.2fx)'
                         % (name, warm, warm / base, cold, cold / base))
        print('%-20s in-process %.3f s | %s' % (label, base, ' | '.join(cells)))
    for pool in pools.values():
        pool.close()
    print('machine: %d CPUs; medians of %d rounds, each timing every variant once (untimed before each run: the '
          'last teardown ends, a used pool refills and waits 2.5 s, gc.collect())' % (os.cpu_count(), args.repeat))
    overhead = {}
    for name, _ in configs:
        base1, warm1 = rows['1 check', name]
        base_all, warm_all = rows['numeric checks (%d)' % len(numeric), name]
        overhead[name] = (warm_all / base_all, round((warm1 - base1) * 1000))
        print('%s, warm pool: ratio %.2f, fixed cost %d ms' % ((name,) + overhead[name]))
    print('overhead ratio %.2f (fixed cost %d ms)' % overhead['fork server'])


if __name__ == '__main__':
    main()
