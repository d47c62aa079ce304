"""The charged-once rule on hand-made reports: advisory checks, credits up to what the culprit lost, hints."""
from grader.report import CheckResult, Report
from grader.scoring.charges import ADVISORY, calls, settle
from grader.spec import CheckSpec, Output

NAMES = {'conv_forward': 'Conv.forward', 'conv_backward': 'Conv.backward', 'deep_convnet': 'DeepConvNet',
         'kaiming_initializer': 'kaiming_initializer', 'save_load': 'save/load'}


def spec(check_id, points, depends_on=(), advisory=''):
    return CheckSpec(id=check_id, component=check_id.split('.')[0], procedure='x', points=points,
                     outputs=(Output('out'),), depends_on=depends_on, advisory=advisory)


def result(s, passed):
    return CheckResult(id=s.id, component=s.component, status='passed' if passed else 'failed',
                       score=s.points if passed else 0.0, max_score=s.points, error=None, threshold=None,
                       message='out: rel_error 1e-01 > 1e-07')


def settled(rows):
    specs = [s for s, _ in rows]
    report = Report(profile='t', checks=[result(s, ok) for s, ok in rows])
    settle(report, specs, NAMES)
    return {c.id: c for c in report.checks}, report


def test_a_downstream_failure_is_not_charged_while_the_upstream_fails():
    rows = [(spec('kaiming_initializer.a', 2.5), False), (spec('kaiming_initializer.b', 2.5), True),
            (spec('deep_convnet.kaiming_init', 1.5, ('kaiming_initializer',)), False),
            (spec('deep_convnet.grads', 8.5), True)]
    checks, report = settled(rows)
    down = checks['deep_convnet.kaiming_init']
    assert down.status == 'failed' and down.score == 1.5
    assert 'not charged here while kaiming_initializer fails its own checks' in down.message
    assert report.score == report.max_score - 2.5          # only the upstream component's loss


def test_credit_never_exceeds_what_the_upstream_lost():
    # one cheap upstream failure must not buy a whole downstream component
    rows = [(spec('conv_forward.a', 1.0), False), (spec('conv_forward.b', 7.0), True),
            (spec('conv_backward.a', 5.0, ('conv_forward',)), False),
            (spec('conv_backward.b', 5.0, ('conv_forward',)), False)]
    checks, report = settled(rows)
    assert checks['conv_backward.a'].score == 1.0 and checks['conv_backward.b'].score == 0.0
    assert 'no more than it lost' in checks['conv_backward.a'].message
    assert 'Conv.forward, which this check also calls, fails its own checks' in checks['conv_backward.b'].message
    assert report.score == 7.0 + 1.0


def test_transitive_dependencies_are_followed():
    rows = [(spec('conv_forward.a', 4.0), False),
            (spec('deep_convnet.a', 3.0, ('conv_forward',)), False),
            (spec('save_load.a', 1.0, ('deep_convnet',)), False)]
    assert calls([s for s, _ in rows])['save_load'] == {'deep_convnet', 'conv_forward'}
    checks, report = settled(rows)
    assert checks['save_load.a'].score == 1.0 and 'DeepConvNet' in checks['save_load.a'].message
    assert report.score == 4.0                               # 4 lost upstream, 3 + 1 credited from it


def test_no_credit_when_the_called_component_passes():
    rows = [(spec('conv_forward.a', 4.0), True), (spec('conv_backward.a', 5.0, ('conv_forward',)), False)]
    checks, report = settled(rows)
    assert checks['conv_backward.a'].score == 0.0 and '|' not in checks['conv_backward.a'].message


def test_advisory_checks_earn_and_cost_nothing_and_excuse_nothing():
    rows = [(spec('conv_forward.untiled', 0.0, advisory='the window does not tile'), False),
            (spec('conv_forward.a', 4.0), True),
            (spec('conv_backward.a', 5.0, ('conv_forward',)), False)]
    checks, report = settled(rows)
    note = checks['conv_forward.untiled']
    assert note.status == 'advisory' and note.max_score == 0.0
    assert note.message == ADVISORY % ('the window does not tile', 'out: rel_error 1e-01 > 1e-07')
    assert checks['conv_backward.a'].score == 0.0          # conv_forward is not failing: nothing to excuse
    assert report.max_score == 9.0


def test_nothing_changes_when_the_file_did_not_import():
    rows = [(spec('conv_forward.a', 4.0), False), (spec('conv_backward.a', 5.0, ('conv_forward',)), False)]
    report = Report(profile='t', checks=[result(s, ok) for s, ok in rows], submission_error='SyntaxError')
    settle(report, [s for s, _ in rows], NAMES)
    assert report.score == 0.0
