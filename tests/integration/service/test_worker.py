"""A real Celery worker on a real Redis grades a submission row into check rows."""
import glob
import os
import signal
import tempfile
import time

import pytest
from sqlalchemy import select

from app.core.config import Settings
from app.core.models import CheckRow, Submission
from grader.isolation.owner import stat_field
from grader.scoring.cifar import write_cifar10
from grader.scoring.datasets import synthetic_pixels
from tests.helpers.isolation import cgroups_of
from tests.helpers.paths import read_submission
from tests.integration.service.helpers import add_submission, sessions, set_assignment, token, upload, wait_for
from worker.celery_app import create_app

pytestmark = pytest.mark.slow


def test_worker_grades_a_queued_submission(service_env, celery_worker):
    Session, sub_id = add_submission(service_env, read_submission('correct_vectorized'))
    celery_worker()
    app = create_app(Settings(broker_url=service_env['AG_BROKER_URL']))
    app.send_task('grader.grade_submission', args=[sub_id], queue='cpu')
    sub = wait_for(Session, sub_id, ('graded', 'error'), 180)
    assert sub.status == 'graded' and sub.score == sub.max_score == 100.0
    assert sub.attempts == 1 and sub.worker == 'test-0@localhost (cpu)' and sub.grader_version == '0.1.0'
    assert sub.started_at is not None and sub.finished_at is not None
    with Session() as session:
        rows = session.scalars(select(CheckRow).where(CheckRow.submission_id == sub_id)).all()
    assert len(rows) == 59 and {r.status for r in rows} == {'passed'}
    # a second delivery of the same task (redelivery after a crash) changes nothing
    app.send_task('grader.grade_submission', args=[sub_id], queue='cpu')
    time.sleep(3)
    with Session() as session:
        again = session.get(Submission, sub_id)
        assert again.attempts == 1 and again.status == 'graded'


def test_an_upload_is_graded_by_a_worker_that_shares_no_folder_with_the_api(service_env, api, celery_worker,
                                                                           tmp_path):
    """The default storage is the database: the worker's own AG_STORAGE_DIR (another host's) never matters."""
    set_assignment(service_env, training_checks=False)
    r = upload(api, token(api, 'student@example.com'), read_submission('correct_vectorized').decode())
    assert r.status_code == 202, r.text
    service_env['AG_STORAGE_DIR'] = str(tmp_path / 'worker-host' / 'uploads')
    celery_worker()
    sub = wait_for(sessions(service_env), r.json()['id'], ('graded', 'error'), 180)
    assert sub.status == 'graded' and sub.score == sub.max_score, (sub.status, sub.error)
    assert not os.path.exists(tmp_path / 'uploads') and not os.path.exists(tmp_path / 'worker-host' / 'uploads')


def test_worker_killed_mid_grading_then_graded_once_by_the_next(service_env, celery_worker):
    service_env['AG_GRADING_DEADLINE_S'] = '8'        # Redis visibility timeout: redelivery after 8 s
    Session, sub_id = add_submission(service_env, read_submission('correct_naive'))
    first = celery_worker()
    app = create_app(Settings(broker_url=service_env['AG_BROKER_URL'], grading_deadline_s=8))
    app.send_task('grader.grade_submission', args=[sub_id], queue='cpu')
    wait_for(Session, sub_id, ('running',), 60)
    time.sleep(1.0)
    os.killpg(first.pid, signal.SIGKILL)              # the worker and its runner, mid-grading
    first.wait(timeout=10)
    with Session() as session:
        assert session.get(Submission, sub_id).status == 'running'
    left = owned_by([first.pid])
    assert left and all(os.path.exists(p) for p in left)   # its job folder (and cgroup): no teardown ran
    celery_worker()
    sub = wait_for(Session, sub_id, ('graded', 'error'), 240)
    assert not any(os.path.exists(p) for p in left)   # the next worker swept them before grading
    assert sub.status == 'graded' and sub.score == sub.max_score == 100.0
    assert sub.attempts == 2 and sub.worker == 'test-1@localhost (cpu)'
    with Session() as session:
        rows = session.scalars(select(CheckRow).where(CheckRow.submission_id == sub_id)).all()
    assert len(rows) == 59                            # one set of results, not two


def test_a_prefork_worker_stopped_leaves_no_job_folder_and_no_cgroup(service_env, celery_worker):
    """Its child ends by os._exit (no atexit): the warm runner it keeps ready must still be cleaned up."""
    Session, sub_id = add_submission(service_env, read_submission('correct_vectorized'))
    worker = celery_worker(pool='prefork')
    create_app(Settings(broker_url=service_env['AG_BROKER_URL'])).send_task(
        'grader.grade_submission', args=[sub_id], queue='cpu')
    assert wait_for(Session, sub_id, ('graded', 'error'), 180).status == 'graded'
    children = [int(p) for p in os.listdir('/proc') if p.isdigit() and stat_field(int(p), 1) == worker.pid]
    owned = owned_by(children)
    assert children and owned                         # the warm runner kept ready for the next submission
    worker.send_signal(signal.SIGTERM)                # a normal stop (deploys, restarts)
    worker.wait(timeout=30)
    assert [p for p in owned if os.path.exists(p)] == []


def owned_by(pids):
    """Job folders and cgroups named after these processes."""
    return [p for pid in pids for p in glob.glob(os.path.join(tempfile.gettempdir(), 'grade-%d.*' % pid))
            + cgroups_of(pid)]


def test_worker_runs_the_training_checks_on_the_configured_cifar_folder(service_env, celery_worker, tmp_path):
    write_cifar10(str(tmp_path / 'data'), synthetic_pixels(1000, 1), synthetic_pixels(300, 3))
    service_env.update(AG_CIFAR_DIR=str(tmp_path / 'data'), AG_TRAIN_TIME_LIMIT_S='10')
    Session, sub_id = add_submission(service_env, read_submission('correct_vectorized'))
    celery_worker()
    create_app(Settings(broker_url=service_env['AG_BROKER_URL'])).send_task(
        'grader.grade_submission', args=[sub_id], queue='cpu')
    sub = wait_for(Session, sub_id, ('graded', 'error'), 240)
    with Session() as session:
        rows = {r.check_id: r for r in session.scalars(select(CheckRow).where(CheckRow.submission_id == sub_id))}
    assert {'overfit.cifar10_50_images', 'solver.cifar10'} <= set(rows) and 'solver.synthetic_cifar' not in rows
    assert rows['solver.cifar10'].status == 'passed' and sub.score == sub.max_score == 100.0
