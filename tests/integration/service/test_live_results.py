"""Results while a submission is graded, through the real stack (uvicorn, Redis, a Celery worker, the strict
sandbox): the checks decided so far over REST while the training checks run, never an abandoned or superseded
attempt's rows, and the queue position with its estimate while queued."""
import os
import signal
import time

import httpx
import pytest
from sqlalchemy import func, select, update

from app.core.config import Settings
from app.core.models import Assignment, CheckRow, PartialCheck, Submission
from app.grading.dispatch import send_grading
from tests.helpers.paths import read_submission
from tests.integration.service.helpers import V1, graded_row, sessions, token, upload, wait_for

pytestmark = pytest.mark.slow
ALL_CHECKS = 59                                        # the eecs498 profile with its training checks
DEAD = 'a row of the killed attempt'


def read(api, headers, sub_id):
    r = httpx.get(api + V1 + '/submissions/%d' % sub_id, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def first_partial(api, headers, sub_id, timeout_s=180, pending=()):
    """The first answer that shows checks while running (with each of pending still to decide: the partial rows
    are written at most every 0.5 s, the newest snapshot only, so on a loaded machine the first one written may
    come late in the grading)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        data = read(api, headers, sub_id)
        if data['status'] == 'running' and data['checks'] and set(pending) <= set(data['pending']):
            return data
        assert data['status'] in ('queued', 'running'), data
        time.sleep(0.05)
    raise AssertionError('no checks shown while running')


def counts(env, sub_id):
    with sessions(env)() as session:
        return tuple(session.scalar(select(func.count()).select_from(t).where(t.submission_id == sub_id))
                     for t in (CheckRow, PartialCheck))


def test_checks_decided_so_far_are_shown_while_the_training_checks_run(service_env, api, celery_worker):
    headers = token(api, 'student@example.com')
    sub_id = upload(api, headers, read_submission('correct_vectorized').decode()).json()['id']
    celery_worker()
    data = first_partial(api, headers, sub_id, pending=('solver', 'overfit'))
    assert data['score'] is None and {c['status'] for c in data['checks']} == {'passed'}
    assert data['checks'][0]['id'].startswith('conv_forward.')
    assert wait_for(sessions(service_env), sub_id, ('graded', 'error'), 300).status == 'graded'
    final = read(api, headers, sub_id)
    assert final['pending'] == [] and final['score'] == final['max_score'] == 100.0
    assert [c['id'] for c in final['checks'][:len(data['checks'])]] == [c['id'] for c in data['checks']]
    assert counts(service_env, sub_id) == (ALL_CHECKS, 0)   # the partial rows went with the final save


def test_a_killed_workers_partial_rows_never_show_again_and_the_next_attempt_replaces_them(service_env, api,
                                                                                         celery_worker):
    service_env['AG_GRADING_DEADLINE_S'] = '8'        # Redis visibility timeout: redelivery after 8 s
    headers = token(api, 'student@example.com')
    sub_id = upload(api, headers, read_submission('correct_naive').decode()).json()['id']
    first = celery_worker()
    first_partial(api, headers, sub_id)
    os.killpg(first.pid, signal.SIGKILL)              # mid-grading, partial rows written
    first.wait(timeout=10)
    Session = sessions(service_env)
    assert counts(service_env, sub_id)[1] > 0
    with Session() as session:                        # marked, to tell them from the next attempt's
        session.execute(update(PartialCheck).where(PartialCheck.submission_id == sub_id).values(message=DEAD))
        session.commit()
    with Session() as session:                        # the sweeper's send: the row says queued again
        sub = session.get(Submission, sub_id)
        send_grading(session, [sub], {sub.assignment_id: session.get(Assignment, sub.assignment_id)},
                     Settings(), lambda *_: None, restart=False)
    queued = read(api, headers, sub_id)
    assert queued['status'] == 'queued' and queued['checks'] == [] and queued['score'] is None
    celery_worker()                                   # takes the message sent again
    shown, deadline = [], time.monotonic() + 300
    while time.monotonic() < deadline and (not shown or shown[-1]['status'] in ('queued', 'running')):
        shown.append(read(api, headers, sub_id))
        time.sleep(0.05)
    assert [d for d in shown if DEAD in str(d['checks'])] == []
    assert [d for d in shown if d['status'] == 'running' and d['checks']]     # the new attempt's, as decided
    sub = wait_for(Session, sub_id, ('graded', 'error'), 10)
    assert sub.status == 'graded' and sub.score == sub.max_score == 100.0
    assert counts(service_env, sub_id) == (ALL_CHECKS, 0)


def test_a_regrade_mid_grading_never_shows_the_superseded_attempts_rows(service_env, api, celery_worker):
    headers = token(api, 'student@example.com')
    sub_id = upload(api, headers, read_submission('correct_vectorized').decode()).json()['id']
    celery_worker()
    first_partial(api, headers, sub_id)
    r = httpx.post(api + V1 + '/submissions/%d/regrade' % sub_id, headers=token(api, 'instructor@example.com'))
    assert r.status_code == 202, r.text
    after = read(api, headers, sub_id)
    assert after['status'] == 'queued' and after['checks'] == [], after['status']
    sub = wait_for(sessions(service_env), sub_id, ('graded', 'error'), 300)
    assert sub.status == 'graded' and sub.attempts == 1 and sub.score == sub.max_score
    assert counts(service_env, sub_id) == (ALL_CHECKS, 0)


def test_a_queued_submission_gets_its_position_and_a_wait_estimate(service_env, api):
    first = upload(api, token(api, 'student@example.com'), read_submission('correct_vectorized').decode())
    headers = token(api, 'student2@example.com')
    second = upload(api, headers, read_submission('correct_naive').decode()).json()['id']
    data = read(api, headers, second)
    assert data['status'] == 'queued' and data['queue_position'] == 2 and data['estimated_start_s'] is None
    assert first.status_code == 202 and 'student@example.com' not in str(data)   # a number, nobody's name
    graded_row(service_env)                           # one grading of 4 s seen, one worker: the first goes first
    data = read(api, headers, second)
    assert data['queue_position'] == 2 and data['estimated_start_s'] == 4.0
