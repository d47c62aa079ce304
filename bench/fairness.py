"""Fairness of the verdicts, measured in one run: the bug corpus and the correct files graded.

    python bench/fairness.py [--slow]

Correct files: both correct submissions, every profile's file started from each of its course editions'
real skeleton import blocks, the file that asserts the documented preconditions, the course-helper imports
and DeepConvNet with other parameter names. Each must keep every point of every component ("correct
components failed" must be 0). Bugs: tests/submissions/bugs.py, one realistic bug each: caught when the
bug's own component loses points; charged once when no other component loses any (a component the bug
legitimately lives in too, `also`, counts as its own). --slow adds the training checks to the correct
files (the bugs of the training components are always graded with theirs). Exit status 1 when a correct
component failed.
"""
import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from grader.catalog import PROFILES, get_profile  # noqa: E402
from grader.engine import grade  # noqa: E402
from tests.submissions import contract, variants  # noqa: E402
from tests.submissions.bugs import BUGS, apply, base_source  # noqa: E402

SLOW = ('overfit', 'solver')


def correct_files():
    """[(label, profile name, source bytes)]"""
    files = [('correct_vectorized', 'eecs498', base_source('correct_vectorized').encode()),
             ('correct_naive', 'eecs498', base_source('correct_naive').encode()),
             ('hw6', 'deep-vision-hw6', variants.hw6()), ('sta9131', 'sta9131', variants.sta9131()),
             ('course helper imports', 'eecs498', variants.with_course_imports()),
             ('asserts the documented preconditions', 'eecs498', contract.asserting_preconditions())]
    for style in ('short', 'opaque'):
        files.append(('DeepConvNet names: %s' % style, 'eecs498', variants.deep_param_names(style)))
    for name, profile in sorted(PROFILES.items()):
        for edition, block in profile.skeleton_imports:
            files.append(('%s skeleton imports (%s)' % (name, edition), name, variants.from_skeleton(name, block)))
    return files


def lost_by_component(report):
    lost = {}
    for c in report.checks:
        if c.max_score - c.score > 1e-9:
            lost[c.component] = lost.get(c.component, 0.0) + c.max_score - c.score
    return lost


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--slow', action='store_true', help='also grade the correct files with the training checks')
    args = parser.parse_args()
    started = time.perf_counter()
    failed_components = []
    files = correct_files()
    for label, profile_name, source in files:
        report = grade(source, get_profile(profile_name), skip_slow=not args.slow)
        for component, points in sorted(lost_by_component(report).items()):
            failed_components.append((label, component, points))
    eecs = get_profile('eecs498')
    caught, once, leaked, missed = 0, 0, [], []
    for bug in BUGS:
        report = grade(apply(bug), eecs, **({'only': [bug.component]} if bug.component in SLOW else
                                             {'skip_slow': True}))
        lost = lost_by_component(report)
        own = (bug.component,) + bug.also
        if bug.component in lost:
            caught += 1
        else:
            missed.append(bug.id)
        outside = {c: p for c, p in lost.items() if c not in own}
        once += not outside
        if outside:
            leaked.append((bug.id, lost.get(bug.component, 0.0), outside))
    print('machine: %d CPUs; %.0f s in all' % (os.cpu_count(), time.perf_counter() - started))
    print('correct files graded: %d (%s)' % (len(files), 'with the training checks' if args.slow else '--skip-slow'))
    print('correct components failed: %d' % len(failed_components))
    for label, component, points in failed_components:
        print('  %s: %s lost %.2f points' % (label, component, points))
    print('bugs caught by their own component: %d / %d%s' % (caught, len(BUGS),
                                                             ' (missed: %s)' % ', '.join(missed) if missed else ''))
    print('bugs charged once (no other component loses points): %d / %d' % (once, len(BUGS)))
    for bug_id, own_points, outside in leaked:
        print('  %s: %.2f points in its component; also %s' % (
            bug_id, own_points, ', '.join('%s %.2f' % item for item in sorted(outside.items()))))
    return 1 if failed_components else 0


if __name__ == '__main__':
    sys.exit(main())
