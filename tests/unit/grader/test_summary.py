"""A check's verdict from its outputs: notes are shown, never scored, never counted as outputs."""
from grader.engine import _summarise
from grader.scoring.compare import OutputResult
from grader.spec import CheckSpec, Output

SPEC = CheckSpec(id='deep_convnet.grads', component='deep_convnet', procedure='model', points=2.0,
                 outputs=(Output('loss'),), description='loss and gradients')


def test_a_passing_note_is_shown_and_not_counted():
    results = [OutputResult('loss', True, 'rel_error', 1e-16, 1e-7),
               OutputResult('params', True, 'note', message="note: 'p1' as b1", note=True)]
    status, score, _, message = _summarise(SPEC, results)
    assert (status, score) == ('passed', 2.0)
    assert message == "loss and gradients: all 1 outputs match (worst loss: rel_error 1.0e-16 <= 1e-07); " \
                      "params note: 'p1' as b1"


def test_a_failing_note_costs_nothing_and_says_so():
    results = [OutputResult('out', True, 'rel_error', 1e-16, 1e-7),
               OutputResult('x', False, 'equal', 1.0, 0.0, message='was changed in place: max change 1.0e+00',
                            note=True)]
    status, score, _, message = _summarise(SPEC, results)
    assert (status, score) == ('passed', 2.0)
    assert 'note (not scored, the skeleton does not ask it): x was changed in place' in message


def test_a_failing_output_still_fails_beside_a_note():
    results = [OutputResult('out', False, 'rel_error', 1e-2, 1e-7),
               OutputResult('params', True, 'note', message='note: by order', note=True)]
    status, score, _, message = _summarise(SPEC, results)
    assert (status, score) == ('failed', 0.0)
    assert 'params note: by order' in message
