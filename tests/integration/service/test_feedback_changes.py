"""Feedback while it grades (issue 16), the server side over real HTTP: "since your last upload" on the page and in
the JSON, reproducers only for failed checks whose details are visible."""
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import select

from app.core.models import CheckRow
from tests.integration.service.helpers import browser_like, graded_row, sessions, set_assignment, token

pytestmark = pytest.mark.slow
V1 = '/api/v1/submissions/%d'


def set_checks(env, sub_id, statuses):
    """Give a graded row's checks the ids and statuses of `statuses` ({check id: status}), in order."""
    with sessions(env)() as session:
        rows = session.scalars(select(CheckRow).where(CheckRow.submission_id == sub_id).order_by(CheckRow.id)).all()
        for row, (check_id, status) in zip(rows, statuses.items()):
            row.check_id, row.status = check_id, status
        session.commit()


def test_since_last_upload_on_the_page_and_in_the_json(api, service_env):
    first = graded_row(service_env, score=7.5)
    set_checks(service_env, first, {'conv_forward.s1_p0': 'passed', 'conv_backward.s1_p0': 'failed'})
    graded_row(service_env, email='student2@example.com', score=1.0)         # another student's: never compared
    second = graded_row(service_env, score=6.0)
    set_checks(service_env, second, {'conv_forward.s1_p0': 'failed', 'conv_backward.s1_p0': 'passed'})
    headers = token(api, 'student@example.com')

    assert httpx.get(api + V1 % first, headers=headers).json()['since_last'] is None     # the first upload
    data = httpx.get(api + V1 % second, headers=headers).json()
    assert data['since_last'] == {'previous_id': first, 'previous_score': 7.5, 'score_delta': -1.5,
                                  'fixed': ['conv_backward.s1_p0'], 'broken': ['conv_forward.s1_p0'],
                                  'hidden': False}
    by_id = {c['id']: c for c in data['checks']}
    snippet = by_id['conv_forward.s1_p0']['reproducer']                # failed: a reproducer; passed: none
    assert 'student.Conv.forward(x_in, w, b, {\'stride\': 1, \'pad\': 0})' in snippet
    assert by_id['conv_backward.s1_p0']['reproducer'] == ''

    client, _ = browser_like(api, 'student@example.com')
    page = client.get('/submissions/%d' % second).text
    block = page.split('id="since-last"', 1)[1].split('</section>', 1)[0]
    assert 'Since your last upload' in page and 'submission %d' % first in block
    assert 'Score 7.5 → 6' in block and '(-1.5)' in block
    assert 'now passing</span> (1)' in block and 'conv_backward.s1_p0' in block.split('now-failing')[0]
    assert 'now failing</span> (1)' in block and 'conv_forward.s1_p0' in block.split('now-failing')[1]
    assert page.index('id="since-last"') < page.index('class="card component"')         # at the top
    assert 'id="repro-conv_forward.s1_p0"' in page and 'id="repro-conv_backward.s1_p0"' not in page
    teacher, _ = browser_like(api, 'instructor@example.com')
    assert 'Since the last upload' in teacher.get('/submissions/%d' % second).text


def test_hidden_details_show_the_score_change_only_and_no_reproducer(api, service_env):
    first = graded_row(service_env, score=7.5)
    set_checks(service_env, first, {'conv_forward.s1_p0': 'passed', 'conv_backward.s1_p0': 'failed'})
    second = graded_row(service_env, score=6.0)
    set_checks(service_env, second, {'conv_forward.s1_p0': 'failed', 'conv_backward.s1_p0': 'passed'})
    set_assignment(service_env, details_after_due=True, due_at=datetime.now(timezone.utc) + timedelta(days=3))
    data = httpx.get(api + V1 % second, headers=token(api, 'student@example.com')).json()
    assert data['since_last'] == {'previous_id': first, 'previous_score': 7.5, 'score_delta': -1.5,
                                  'fixed': [], 'broken': [], 'hidden': True}
    assert {c['reproducer'] for c in data['checks']} == {''}
    client, _ = browser_like(api, 'student@example.com')
    page = client.get('/submissions/%d' % second).text
    block = page.split('id="since-last"', 1)[1].split('</section>', 1)[0]
    assert '(-1.5)' in block and 'conv_' not in block and 'shown after the due date' in block
    assert 'class="repro"' not in page and 'Reproduce locally' not in page
    # the instructor sees the details, and the reproducer
    teacher = httpx.get(api + V1 % second, headers=token(api, 'instructor@example.com')).json()
    assert teacher['since_last']['broken'] == ['conv_forward.s1_p0']
    assert teacher['checks'][0]['reproducer']


def test_checks_that_did_not_run_get_no_reproducer(api, service_env):
    sub_id = graded_row(service_env, score=0.0)
    set_checks(service_env, sub_id, {'conv_forward.s1_p0': 'error', 'conv_backward.s1_p0': 'error'})
    with sessions(service_env)() as session:
        rows = session.scalars(select(CheckRow).where(CheckRow.submission_id == sub_id).order_by(CheckRow.id)).all()
        rows[0].message = 'stride 1, pad 0: not run: your file could not be imported (see the error above)'
        rows[1].message = 'stride 1, pad 0: ZeroDivisionError: division by zero (your file line 3, in backward)'
        session.commit()
    data = httpx.get(api + V1 % sub_id, headers=token(api, 'student@example.com')).json()
    assert [bool(c['reproducer']) for c in data['checks']] == [False, True]
