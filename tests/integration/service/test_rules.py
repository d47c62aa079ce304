"""The service's rules over real HTTP, SQL and Redis: rate limits, duplicates, who may do what, regrades,
results.json. No worker runs here: the grading messages are read back from the broker's queue."""
import json
import time
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import select

from app.accounts.security import hash_password
from app.core.models import Submission, User
from tests.integration.service.helpers import graded_row, queued_ids, sessions, set_assignment, token, upload, V1

pytestmark = pytest.mark.slow

def test_uploads_past_the_burst_get_429_and_refill_with_time(api, service_env):
    set_assignment(service_env, rate_limit_burst=2, rate_limit_per_hour=1)
    student = token(api, 'student@example.com')
    ids = [upload(api, student, 'x = %d\n' % i).json()['id'] for i in range(2)]
    r = upload(api, student, 'x = 2\n')
    assert r.status_code == 429
    assert r.json()['error'].startswith('too many submissions: convnet allows 2 at once and 1 per hour; '
                                        'try again in ')
    assert 3000 < int(r.headers['Retry-After']) <= 3600
    # the bucket is the student's own: another student and the instructor still submit
    assert upload(api, token(api, 'student2@example.com'), 'x = 2\n').status_code == 202
    assert upload(api, token(api, 'instructor@example.com'), 'x = 2\n').status_code == 202
    set_assignment(service_env, rate_limit_per_hour=7200)          # two tokens a second
    time.sleep(0.7)
    assert upload(api, student, 'x = 3\n').status_code == 202
    with sessions(service_env)() as session:
        mine = session.scalars(select(Submission.id).join(User, User.id == Submission.owner_id)
                               .where(User.email == 'student@example.com')).all()
    assert len(mine) == 3 and ids == mine[:2]
    assert len(queued_ids(service_env['AG_BROKER_URL'])) == 5       # one message per accepted upload


def test_a_duplicate_upload_answers_the_existing_submission_and_spends_nothing(api, service_env):
    set_assignment(service_env, rate_limit_burst=1, rate_limit_per_hour=1)
    student = token(api, 'student@example.com')
    first = upload(api, student, 'x = 1\n')
    assert first.status_code == 202 and first.json()['duplicate'] is False
    assert first.headers['Location'] == V1 + '/submissions/%d' % first.json()['id']
    again = upload(api, student, 'x = 1\n')
    assert again.status_code == 200 and again.json() == {'id': first.json()['id'], 'status': 'queued',
                                                          'duplicate': True}
    assert upload(api, student, 'x = 2\n').status_code == 429       # the burst of 1 went to the first
    assert httpx.get(api + V1 + '/me/submissions', headers=student).json()['count'] == 1
    assert queued_ids(service_env['AG_BROKER_URL']) == [first.json()['id']]


def test_wrong_passwords_are_rate_limited_per_account(service_env, request):
    service_env['AG_LOGIN_FAILURES'] = '3'
    base = request.getfixturevalue('api')
    form = {'username': 'student@example.com', 'password': 'wrong'}
    codes = [httpx.post(base + V1 + '/auth/token', data=form).status_code for _ in range(3)]
    assert codes == [401, 401, 401]
    r = httpx.post(base + V1 + '/auth/token', data=dict(form, password='demo'))    # even the right one
    assert r.status_code == 429 and r.json()['error'].startswith('too many wrong passwords: try again in ')
    assert 0 < int(r.headers['Retry-After']) <= 900 / 3 + 1
    token(base, 'student2@example.com')                              # other accounts are not locked out
    unknown = {'username': 'nobody@example.com', 'password': 'x'}
    codes = [httpx.post(base + V1 + '/auth/token', data=unknown).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_students_cannot_reach_instructor_endpoints(api, service_env):
    sub_id = graded_row(service_env)
    student = token(api, 'student@example.com')
    for method, path in (('get', '/assignments/convnet/scores'), ('get', '/assignments/convnet/scores.csv'),
                         ('post', '/assignments/convnet/regrade'), ('post', '/submissions/%d/regrade' % sub_id)):
        r = getattr(httpx, method)(api + V1 + path, headers=student)
        assert r.status_code == 403 and 'only the course\'s instructors' in r.json()['error'], path
    other = token(api, 'student2@example.com')
    for method, path in (('get', '/submissions/%d' % sub_id), ('get', '/submissions/%d/gradescope' % sub_id),
                         ('post', '/submissions/%d/regrade' % sub_id)):
        r = getattr(httpx, method)(api + V1 + path, headers=other)
        assert r.status_code == 404 and r.json() == {'error': 'no submission %d' % sub_id}, path
    assert queued_ids(service_env['AG_BROKER_URL']) == []


def test_instructor_regrades_one_or_all_and_the_ids_reach_the_broker(api, service_env):
    first, second = graded_row(service_env), graded_row(service_env, 'student2@example.com')
    teacher = token(api, 'instructor@example.com')
    r = httpx.post(api + V1 + '/submissions/%d/regrade' % first, headers=teacher)
    assert r.status_code == 202 and r.json() == {'id': first, 'status': 'queued'}
    assert queued_ids(service_env['AG_BROKER_URL']) == [first]
    with sessions(service_env)() as session:
        row = session.get(Submission, first)
        assert row.status == 'queued' and row.score == 7.5 and row.enqueued_at is not None
    r = httpx.post(api + V1 + '/assignments/convnet/regrade?status=graded', headers=teacher)
    assert r.status_code == 202 and r.json() == {'assignment': 'convnet', 'count': 1}    # the other one
    r = httpx.post(api + V1 + '/assignments/convnet/regrade', headers=teacher)
    assert r.json()['count'] == 2
    assert queued_ids(service_env['AG_BROKER_URL']) == [first, second, first, second]
    r = httpx.post(api + V1 + '/assignments/convnet/regrade?status=done', headers=teacher)
    assert r.status_code == 422 and r.json()['error'] == 'status must be one of queued, running, graded, error'
    # scores keep the last grade while the new one is on its way
    rows = httpx.get(api + V1 + '/assignments/convnet/scores', headers=teacher).json()['data']
    assert [row['best'] for row in rows] == [7.5, 7.5]


def test_results_json_for_gradescope(api, service_env):
    sub_id = graded_row(service_env)
    student = token(api, 'student@example.com')
    r = httpx.get(api + V1 + '/submissions/%d/gradescope' % sub_id, headers=student)
    assert r.status_code == 200 and r.headers['content-type'] == 'application/json'
    body = r.json()
    assert body['score'] == 7.5 and body['execution_time'] == 4.0
    assert [(t['name'], t['score'], t['max_score'], t['status']) for t in body['tests']] == [
        ('conv_forward', 5.0, 5.0, 'passed'), ('conv_backward.dx', 2.5, 5.0, 'failed')]
    assert 'dx: rel_error 3.0e-01 > 1e-07' in body['tests'][1]['output']
    pending = upload(api, student, 'x = 1\n').json()['id']
    r = httpx.get(api + V1 + '/submissions/%d/gradescope' % pending, headers=student)
    assert r.status_code == 409 and r.json() == {'error': 'submission %d is not graded yet (status queued)'
                                                 % pending}


def test_check_details_hidden_from_students_until_due_but_not_from_instructors(api, service_env):
    sub_id = graded_row(service_env)
    set_assignment(service_env, details_after_due=True)
    student = token(api, 'student@example.com')
    body = httpx.get(api + V1 + '/submissions/%d' % sub_id, headers=student).json()
    assert body['score'] == 7.5 and all(c['hidden'] and c['message'] is None and c['score'] is None
                                        for c in body['checks'])
    r = httpx.get(api + V1 + '/submissions/%d/gradescope' % sub_id, headers=student)
    assert r.status_code == 403 and 'shown after the due date' in r.json()['error']
    teacher = token(api, 'instructor@example.com')
    body = httpx.get(api + V1 + '/submissions/%d' % sub_id, headers=teacher).json()
    assert [c['status'] for c in body['checks']] == ['passed', 'failed'] and body['checks'][1]['message']
    assert httpx.get(api + V1 + '/submissions/%d/gradescope' % sub_id, headers=teacher).status_code == 200
    set_assignment(service_env, due_at=datetime.now(timezone.utc) - timedelta(minutes=1))
    body = httpx.get(api + V1 + '/submissions/%d' % sub_id, headers=student).json()
    assert body['checks'][1]['message'] == 'dx: rel_error 3.0e-01 > 1e-07'


def test_closed_assignments_and_strangers_are_refused(api, service_env):
    set_assignment(service_env, due_at=datetime.now(timezone.utc) - timedelta(days=2),
                   late_due_at=datetime.now(timezone.utc) - timedelta(days=1))
    r = upload(api, token(api, 'student@example.com'), 'x = 1\n')
    assert r.status_code == 403 and r.json()['error'].startswith('convnet closed on ')
    assert upload(api, token(api, 'instructor@example.com'), 'x = 1\n').status_code == 202
    with sessions(service_env)() as session:
        session.add(User(email='stranger@example.com', password_hash=hash_password('demo'),
                         created_at=datetime.now(timezone.utc)))
        session.commit()
    r = upload(api, token(api, 'stranger@example.com'), 'x = 1\n', slug='convnet-hw6')
    assert r.status_code == 403 and r.json() == {'error': 'you are not enrolled in the course of convnet-hw6'}
    assert len(queued_ids(service_env['AG_BROKER_URL'])) == 1
    assert json.loads(httpx.get(api + '/readyz').text) == {'status': 'ok'}


def test_training_checks_go_to_the_gpu_queue_when_gpu_workers_exist(service_env, request):
    service_env['AG_GPU_WORKERS'] = 'true'
    base = request.getfixturevalue('api')
    set_assignment(service_env, 'convnet-hw6', training_checks=False)
    set_assignment(service_env, 'convnet-sta9131', training_checks=False, device='cuda')
    student = token(base, 'student@example.com')
    ids = [upload(base, student, 'x = 1\n', slug).json()['id'] for slug in ('convnet', 'convnet-hw6',
                                                                           'convnet-sta9131')]
    assert queued_ids(service_env['AG_BROKER_URL'], 'gpu') == [ids[0], ids[2]]
    assert queued_ids(service_env['AG_BROKER_URL'], 'cpu') == [ids[1]]
    with sessions(service_env)() as session:
        assert [session.get(Submission, i).queue for i in ids] == ['gpu', 'cpu', 'gpu']


def test_the_graded_file_downloads_for_its_owner_and_instructors_only(api, service_env):
    import io
    import zipfile
    source = '# <script>alert(1)</script>\nx = 1\n'
    sam = token(api, 'student@example.com')
    sub_id = upload(api, sam, source).json()['id']
    r = httpx.get(api + V1 + '/submissions/%d/file' % sub_id, headers=sam)
    assert r.status_code == 200 and r.text == source
    assert r.headers['content-disposition'] == 'attachment; filename="convolutional_networks.py"'
    assert r.headers['x-content-type-options'] == 'nosniff' and 'sandbox' in r.headers['content-security-policy']
    assert r.headers['content-type'].startswith('text/x-python')            # never rendered as a page
    teacher = token(api, 'instructor@example.com')
    assert httpx.get(api + V1 + '/submissions/%d/file' % sub_id, headers=teacher).text == source
    kim = token(api, 'student2@example.com')
    assert httpx.get(api + V1 + '/submissions/%d/file' % sub_id, headers=kim).status_code == 404
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as zf:
        zf.writestr('hw/convolutional_networks.py', 'y = 2\n')
        zf.writestr('hw/notes.txt', 'ignored')
    r = httpx.post(api + V1 + '/assignments/convnet/submissions', headers=kim,
                   files={'files': ('hw.zip', buf.getvalue(), 'application/zip')})
    assert r.status_code == 202, r.text
    assert httpx.get(api + V1 + '/submissions/%d/file' % r.json()['id'], headers=kim).text == 'y = 2\n'
