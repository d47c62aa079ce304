"""A bug costs points once.

Advisory checks (configurations outside the skeleton's documented contract) earn and cost nothing and
never count as a failure. A check that fails while a component it calls (its catalog `depends_on`, and
what every check of those components calls) fails its own checks is not charged: it is credited, up to the points that
component lost, so a piece broken on purpose never buys points elsewhere. The hint names the culprit.
"""
from ..components import COMPONENTS

ADVISORY = "advisory, 0 points: outside the assignment's contract (%s); your result: %s"


def calls(specs):
    """{component: the components every one of its checks calls, transitively}, from the checks' depends_on
    (what only some of its checks call, e.g. kaiming_initializer for DeepConvNet, is not inherited)."""
    direct = {}
    for spec in specs:
        deps = set(spec.depends_on) - {spec.component}
        direct[spec.component] = direct[spec.component] & deps if spec.component in direct else deps
    closed = {}
    for component in direct:
        seen, todo = set(), list(direct[component])
        while todo:
            d = todo.pop()
            if d not in seen:
                seen.add(d)
                todo.extend(direct.get(d, ()))
        closed[component] = seen - {component}
    return closed


def check_calls(spec, closed):
    """The components one check calls, transitively, in COMPONENTS order."""
    found = set(spec.depends_on)
    for d in spec.depends_on:
        found |= closed.get(d, set())
    found.discard(spec.component)
    return [c for c in COMPONENTS if c in found]


def settle(report, specs, names):
    """Apply the advisory and charged-once rules to report.checks (zipped with specs), in place.
    names: {component: the name a student knows it by}."""
    if report.submission_error:
        return
    pairs = list(zip(report.checks, specs))
    for result, spec in pairs:
        if spec.advisory:
            result.score = result.max_score = 0.0
            if result.status != 'passed':
                result.status = 'advisory'
                result.message = ADVISORY % (spec.advisory, result.message)
    failing = {r.component for r, s in pairs if r.status not in ('passed', 'advisory')}
    closed = calls(specs)
    pool = {}                                  # points each component lost in its own checks, left to credit
    for component in COMPONENTS:
        own = [(r, s) for r, s in pairs if r.component == component]
        for result, spec in own:
            if result.status in ('passed', 'advisory'):
                continue
            culprits = [d for d in check_calls(spec, closed) if d in failing]
            if culprits:
                _credit(result, culprits, pool, names)
        pool[component] = sum(r.max_score - r.score for r, _ in own)


def _credit(result, culprits, pool, names):
    who = ', '.join(names.get(d, d) for d in culprits)
    owed = result.max_score - result.score
    credit = 0.0
    for d in culprits:
        take = min(owed - credit, pool.get(d, 0.0))
        pool[d] = pool.get(d, 0.0) - take
        credit += take
    result.score += credit
    if credit >= owed - 1e-9:
        note = 'not charged here while %s fails its own checks (this check calls it): fix it first.' % who
    elif credit > 0:
        note = ('%s, which this check calls, fails its own checks: fix it first (%.2f of these points are not '
                'charged here; no more than it lost).' % (who, credit))
    else:
        note = '%s, which this check also calls, fails its own checks: fix it first.' % who
    result.message += ' | ' + note
