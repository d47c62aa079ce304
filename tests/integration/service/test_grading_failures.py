"""No exception of any kind during grading leaves a submission row running: a crafted reply is that check's
error and the row is graded; text PostgreSQL refuses (NUL) is stored escaped; a failure of grading itself (a
lost upload, after bounded retries) ends the row as error with a sentence. Real PostgreSQL, Redis and Celery worker."""

import time

import pytest
from sqlalchemy import select

from app.core.config import Settings
from app.core.models import Assignment, Blob, CheckRow, Submission
from tests.attacks import corpus
from tests.integration.service.helpers import add_submission, wait_for
from worker.celery_app import create_app

pytestmark = pytest.mark.slow
ATTACKED = 'conv_forward.s1_p0'


def grade_in_worker(env, celery_worker, source, lose_upload=False):
    """Add the submission (no training checks), let a real worker grade it -> (Session, final row, check rows)."""
    Session, sub_id = add_submission(env, source)
    with Session() as session:
        sub = session.get(Submission, sub_id)
        session.get(Assignment, sub.assignment_id).training_checks = False
        session.commit()
        if lose_upload:
            session.delete(session.get(Blob, sub.files[0]['sha256']))
            session.commit()
    celery_worker()
    create_app(Settings(broker_url=env['AG_BROKER_URL'])).send_task('grader.grade_submission', args=[sub_id],
                                                                     queue='cpu')
    sub = wait_for(Session, sub_id, ('graded', 'error'), 150)
    with Session() as session:
        rows = {r.check_id: r for r in session.scalars(select(CheckRow).where(CheckRow.submission_id == sub_id))}
    return sub, rows


@pytest.mark.parametrize('mode', ['infinity', 'nesting'])
def test_a_crafted_reply_is_one_checks_error_and_the_row_is_graded(service_env, celery_worker, mode):
    sub, rows = grade_in_worker(service_env, celery_worker, corpus.build('data_reply_crafted', mode=mode,
                                                                         check=ATTACKED))
    assert sub.status == 'graded' and sub.attempts == 1, (sub.status, sub.error)
    assert rows[ATTACKED].status == 'error' and 'the runner sent an unreadable reply' in rows[ATTACKED].message
    others = [r for cid, r in rows.items() if cid != ATTACKED]
    assert len(others) > 40 and {r.status for r in others} == {'passed'}
    assert sub.score == round(sum(r.score for r in others), 4)


def test_nul_bytes_from_student_code_are_stored_escaped_in_postgresql(service_env, celery_worker, fresh_postgres):
    service_env['AG_DATABASE_URL'] = fresh_postgres
    sub, rows = grade_in_worker(service_env, celery_worker, corpus.build('data_reply_nul'))
    assert sub.status == 'graded', (sub.status, sub.error)
    attacked = rows[ATTACKED]
    assert attacked.status == 'error' and 'ValueError: nul \\x00 byte' in attacked.message, attacked.message
    assert 'ATTACK: nul \\x00 here \\x1b[2J' in attacked.output and '\x00' not in attacked.output
    assert rows['maxpool_forward.3x3_s2_overlap'].status == 'passed'


def test_a_failure_of_grading_itself_ends_the_row_as_error_with_a_sentence(service_env, celery_worker):
    service_env['AG_STORAGE_FETCH_RETRIES'] = '2'     # fetched three times, 1 s and 2 s apart
    sub, rows = grade_in_worker(service_env, celery_worker, corpus.build('data_reply_nul'), lose_upload=True)
    assert sub.status == 'error' and not rows
    assert sub.error == 'the uploaded file could not be fetched from storage: no stored file %s' % sub.content_sha256
    assert sub.claim is None and sub.finished_at is not None and sub.attempts == 1


def test_a_lost_upload_ends_a_regrade_preview_item_as_error_and_leaves_the_submission(service_env, celery_worker):
    from app.core.models import RegradeItem, User
    from app.grading import previews
    service_env['AG_STORAGE_FETCH_RETRIES'] = '1'
    Session, sub_id = add_submission(service_env, corpus.build('data_reply_nul'))
    sent = []
    with Session() as session:
        sub = session.get(Submission, sub_id)
        sub.status, sub.score, sub.max_score = 'graded', 7.5, 100.0
        session.delete(session.get(Blob, sub.files[0]['sha256']))          # the upload is lost
        session.commit()
        assignment = session.get(Assignment, sub.assignment_id)
        user = session.get(User, sub.owner_id)
        run_id = previews.start(session, assignment, user, Settings(), lambda item, queue: sent.append(item)).id
    assert len(sent) == 1
    celery_worker()
    create_app(Settings(broker_url=service_env['AG_BROKER_URL'])).send_task('grader.preview_regrade', args=sent,
                                                                            queue='cpu')
    for _ in range(300):                                                   # 60 s at most
        with Session() as session:
            item = session.get(RegradeItem, sent[0])
            if item.status != 'queued':
                break
        time.sleep(0.2)
    assert item.status == 'error' and item.run_id == run_id
    with Session() as session:
        sub = session.get(Submission, sub_id)
        assert (sub.status, sub.score) == ('graded', 7.5)                  # the graded row is untouched
