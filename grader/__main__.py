"""python -m grader grade PATH [PATH...] [--profile NAME] [--json OUT] [--gradescope OUT] [--device cpu|cuda]
[--fork-server] [--repro CHECK_ID] ...; python -m grader catalog [--profile NAME] (the checks as a Markdown table)."""
import argparse
import json
import sys

from .catalog import DEFAULT_PROFILE, PROFILES
from .catalog.table import markdown
from .engine import grade
from .isolation.sandbox import SandboxConfig, SandboxUnavailable
from .repro import reproducer_for
from .scoring.datasets import DatasetError
from .submission import SubmissionError, load_source
from .text import one_line


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='python -m grader', description='Grade convolutional_networks.py')
    sub = parser.add_subparsers(dest='command', required=True)
    g = sub.add_parser('grade', help='grade one or more submissions')
    g.add_argument('paths', nargs='+', metavar='PATH', help='a .py file, a folder or a .zip')
    g.add_argument('--profile', default=DEFAULT_PROFILE, choices=sorted(PROFILES))
    g.add_argument('--json', metavar='OUT', help='write the result as JSON (a list when several PATHs)')
    g.add_argument('--gradescope', metavar='OUT', help="write Gradescope's results.json")
    g.add_argument('--device', default='cpu', choices=('cpu', 'cuda'))
    g.add_argument('--skip-slow', action='store_true', help='skip the training checks')
    g.add_argument('--only', action='append', metavar='COMPONENT', help='grade only these components or check ids')
    g.add_argument('--train-time-limit', type=float, metavar='S',
                   help='time limit of the solver training check in seconds, CPU time on a CPU device '
                        '(catalog default: 10 on synthetic data, 60 on CIFAR-10)')
    g.add_argument('--cifar', metavar='DIR', help='CIFAR-10 folder (cifar-10-batches-py or its parent) for '
                                                  'the training checks; default: synthetic CIFAR-shaped data')
    g.add_argument('--sandbox', default='auto', choices=('auto', 'strict', 'weak'),
                   help='strict: bubblewrap required; weak: no namespaces; auto: strict where possible')
    g.add_argument('--fork-server', action='store_true',
                   help='fork runners from one process that imported torch (strict sandbox, as root): '
                        'faster when grading many PATHs')
    g.add_argument('--quiet', action='store_true', help='print only the totals')
    g.add_argument('--repro', metavar='CHECK_ID',
                   help='grade only this check, then print a Python snippet that reproduces it beside the file '
                        '(the layers, kaiming_initializer, the models\' loss and gradients)')
    c = sub.add_parser('catalog', help="print a profile's checks as a Markdown table")
    c.add_argument('--profile', default=DEFAULT_PROFILE, choices=sorted(PROFILES))
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    profile = PROFILES[args.profile]
    if args.command == 'catalog':
        sys.stdout.write(markdown(profile))
        return 0
    snippet = ''
    if args.repro:
        known = {spec.id for spec in profile.checks + profile.cifar_checks}
        if args.repro not in known:
            print('error: no check %s in profile %s (python -m grader catalog lists them)'
                  % (one_line(args.repro, 120), profile.name), file=sys.stderr)
            return 2
        snippet = reproducer_for(profile, args.repro)
        if not snippet:
            print('error: check %s has no reproducer (the layers, kaiming_initializer and the models\' loss '
                  'and gradient checks have one)' % args.repro, file=sys.stderr)
            return 2
        args.only = [args.repro]
    if args.device == 'cuda':
        import torch
        if not torch.cuda.is_available():
            print('error: --device cuda given but CUDA is not available here', file=sys.stderr)
            return 2
    try:
        sources = [(path, load_source(path, profile.graded_file)) for path in args.paths]
    except SubmissionError as exc:
        print('error: %s' % one_line(exc), file=sys.stderr)          # may quote names from a student's zip
        return 2
    reports = []
    config = SandboxConfig(mode=args.sandbox, gpu=args.device == 'cuda', fork_server=args.fork_server)
    for path, source in sources:
        try:
            report = grade(source, profile, device=args.device, skip_slow=args.skip_slow, only=args.only,
                           train_time_limit_s=args.train_time_limit, sandbox=config, cifar_dir=args.cifar)
        except (SandboxUnavailable, DatasetError) as exc:
            print('error: %s' % one_line(exc), file=sys.stderr)
            return 2
        reports.append(report)
        if len(sources) > 1:
            print('== %s' % one_line(path))
        print(report.table().splitlines()[-1] if args.quiet else report.table())
        if snippet:
            print('\n# ---- reproducer: save what follows as repro.py beside your file and run it ----\n' + snippet)
    try:
        if args.json:
            data = [r.to_dict() for r in reports]
            with open(args.json, 'w') as f:
                json.dump(data[0] if len(data) == 1 else data, f, indent=2)
        if args.gradescope:
            with open(args.gradescope, 'w') as f:
                f.write(reports[0].to_gradescope())
    except OSError as exc:
        print('error: cannot write results: %s' % exc, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
