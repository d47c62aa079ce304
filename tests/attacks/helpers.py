"""What the attack tests share: the isolation under test, grading with the attacked and an untouched check."""
from grader.catalog import get_profile
from grader.engine import grade
from grader.isolation import teardown
from grader.isolation.pool import WarmPool
from tests.helpers.isolation import RUNNER_KINDS

ISOLATION = RUNNER_KINDS
STRICT = ISOLATION['bwrap']
CURRENT = [STRICT]                 # the isolation of the running test (set by conftest's `isolation` fixture)
PROFILE = get_profile('eecs498')
# Two fast checks: the attacked one (Conv.forward) and one the attack does not touch.
ATTACKED = 'conv_forward.s1_p0'
UNTOUCHED = 'maxpool_forward.3x3_s2_overlap'
DIED = 'stride 1, pad 0: the grading process died during this check: '

_POOLS = {}


def warm_pool():
    """The warm pool every attack goes through: isolation must hold with it on (issue 6)."""
    config = CURRENT[0]
    if config not in _POOLS:
        _POOLS[config] = WarmPool(config, 'cpu', size=2)
    return _POOLS[config]


def grade_strict(source, only=(ATTACKED, UNTOUCHED), **kwargs):
    """grade() in the current isolation, returning once the runner's teardown (a thread) has finished too."""
    kwargs.setdefault('timeout_cap_s', 10)
    kwargs.setdefault('pool', warm_pool())
    report = grade(source, PROFILE, only=list(only), sandbox=CURRENT[0], **kwargs)
    assert teardown.wait_all(timeout_s=10), 'a runner was not torn down within 10 s'
    return report


def by_id(report):
    return {c.id: c for c in report.checks}


def contained(report, status, message):
    """The attacked check scores 0 with `message` (exact), the untouched one passes; -> the attack's output."""
    checks = by_id(report)
    attacked, untouched = checks[ATTACKED], checks[UNTOUCHED]
    assert (attacked.status, attacked.score, attacked.message) == (status, 0.0, message)
    assert untouched.status == 'passed' and untouched.score == untouched.max_score, untouched.message
    assert report.submission_error == ''
    return attacked.output
