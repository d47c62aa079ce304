import json

from grader.report import CheckResult, Report


def make_report():
    report = Report(profile='eecs498', duration_s=1.5)
    report.checks = [
        CheckResult('conv_forward.a', 'conv_forward', 'passed', 2.0, 2.0, 1e-16, 1e-7, 'ok'),
        CheckResult('conv_backward.a', 'conv_backward', 'failed', 1.0, 3.0, 3.2e-3, 1e-8,
                    'stride 2, pad 0: dx: rel_error 3.2e-03 > 1e-08', visibility='after_due', output='hi'),
        CheckResult('overfit.a', 'overfit', 'timeout', 0.0, 1.0, None, None, 'timed out after 5 s'),
    ]
    return report


def test_json_has_the_promised_keys_and_totals():
    data = json.loads(make_report().to_json())
    assert data['score'] == 3.0 and data['max_score'] == 6.0
    assert {'profile', 'grader_version', 'score', 'max_score', 'checks'} <= set(data)
    assert {'id', 'component', 'status', 'score', 'max_score', 'error', 'threshold', 'message'} <= set(data['checks'][0])


def test_gradescope_format():
    data = json.loads(make_report().to_gradescope())
    assert data['score'] == 3.0 and data['execution_time'] == 1.5
    second = data['tests'][1]
    assert second['status'] == 'failed' and second['visibility'] == 'after_due_date'
    assert second['max_score'] == 3.0 and 'rel_error 3.2e-03 > 1e-08' in second['output']
    assert data['tests'][2]['output'].startswith('[timeout] timed out')


def test_table_shows_errors_against_thresholds_and_problems():
    text = make_report().table()
    assert '1.0e-16 <= 1e-07' in text and '3.2e-03 > 1e-08' in text
    assert 'conv_backward.a: stride 2, pad 0: dx: rel_error 3.2e-03 > 1e-08' in text
    assert text.endswith('total: 3.00 / 6.00 (profile eecs498, grader 0.1.0)')


def test_table_writes_each_metric_its_own_way():
    """A tolerance of 0.05 is still an upper bound, and an accuracy floor of 0.005 still a lower one."""
    report = Report(profile='eecs498')
    report.checks = [
        CheckResult('loss.a', 'loss', 'passed', 1.0, 1.0, 0.03, 0.05, 'ok', metric='abs_error'),
        CheckResult('acc.a', 'acc', 'failed', 0.0, 1.0, 0.002, 0.005, 'too low', metric='at_least'),
    ]
    text = report.table()
    assert 'abs_error 3.0e-02 <= 5e-02' in text and '0.002 < 0.005' in text
