"""Example attack test (the pattern every attack test follows)."""
import pytest

from tests.attacks.helpers import ATTACKED, UNTOUCHED, by_id, grade_strict

pytestmark = pytest.mark.slow


def test_environment_secrets_do_not_reach_the_sandbox(attack, monkeypatch):
    monkeypatch.setenv('GRADER_DATABASE_URL', 'postgresql://admin:hunter2@db/grader')
    report = grade_strict(attack('example_env_secrets'))
    checks = by_id(report)
    out = checks[ATTACKED].output
    assert out.startswith('ATTACK: env')                 # the attack ran and printed what it saw
    assert 'hunter2' not in out and 'GRADER_DATABASE_URL' not in out
    assert checks[ATTACKED].status == checks[UNTOUCHED].status == 'passed'
