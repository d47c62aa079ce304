"""REST end to end: a real uvicorn server, a real Celery worker, real Redis, the strict sandbox."""
import io
import os
import time
import zipfile

import httpx
import pytest
from sqlalchemy import func, select

from app.core.db import make_engine, make_sessionmaker
from app.core.models import Blob
from tests.helpers.paths import read_submission
from tests.integration.service.helpers import sessions, token

pytestmark = pytest.mark.slow


@pytest.mark.parametrize('database', ['sqlite', 'postgresql'])
def test_upload_graded_and_read_back_over_rest(service_env, celery_worker, request, database):
    if database == 'postgresql':
        service_env['AG_DATABASE_URL'] = request.getfixturevalue('fresh_postgres')
    api = request.getfixturevalue('api')
    celery_worker()
    student = token(api, 'student@example.com')
    r = httpx.post(api + '/api/v1/assignments/convnet/submissions', headers=student,
                   files={'files': ('convolutional_networks.py', read_submission('correct_vectorized'))})
    assert r.status_code == 202, r.text
    sub_id = r.json()['id']
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        body = httpx.get(api + '/api/v1/submissions/%d' % sub_id, headers=student).json()
        if body['status'] in ('graded', 'error'):
            break
        time.sleep(0.5)
    assert body['status'] == 'graded' and body['score'] == body['max_score'] == 100.0
    assert len(body['checks']) == 59 and body['checks'][0]['message']
    mine = httpx.get(api + '/api/v1/me/submissions', headers=student).json()
    assert mine['count'] == 1 and mine['data'][0]['id'] == sub_id
    # another student cannot see it; the instructor of the course can
    other = httpx.get(api + '/api/v1/submissions/%d' % sub_id, headers=token(api, 'student2@example.com'))
    assert other.status_code == 404 and other.json() == {'error': 'no submission %d' % sub_id}
    teacher = httpx.get(api + '/api/v1/submissions/%d' % sub_id, headers=token(api, 'instructor@example.com'))
    assert teacher.status_code == 200 and teacher.json()['score'] == 100.0
    assert httpx.get(api + '/readyz').json() == {'status': 'ok'}
    scores = httpx.get(api + '/api/v1/assignments/convnet/scores', headers=token(api, 'instructor@example.com')).json()
    assert [(r['email'], r['best'], r['latest']) for r in scores['data']] == [
        ('student2@example.com', None, None), ('student@example.com', 100.0, 100.0)]
    results = httpx.get(api + '/api/v1/submissions/%d/gradescope' % sub_id, headers=student).json()
    assert results['score'] == 100.0 and len(results['tests']) == 59
    assert {t['status'] for t in results['tests']} == {'passed'}
    paths = httpx.get(api + '/openapi.json').json()['paths']
    assert {'/api/v1/submissions/{submission_id}/regrade', '/api/v1/assignments/{slug}/regrade',
            '/api/v1/submissions/{submission_id}/gradescope', '/api/v1/auth/token'} <= set(paths)


def zipped(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize('files, status, reason', [
    ([('notes.txt', b'hi')], 422, "'notes.txt' is not an allowed file name"),
    ([('convolutional_networks.py', b'   \n')], 422, 'convolutional_networks.py is empty'),
    ([('convolutional_networks.py', b'x = "\xff"\n')], 422, 'is not UTF-8 text'),
    ([('sub.zip', zipped({'../convolutional_networks.py': 'x = 1'}))], 422, 'has an unsafe path'),
    ([('sub.zip', zipped({'a.py': 'x = 1'}))], 422, 'sub.zip holds no convolutional_networks.py'),
    ([('sub.zip', b'not a zip')], 422, 'sub.zip is not a readable zip file'),
    ([('convolutional_networks.py', b'#' * (9 << 20))], 413, 'the upload is larger than'),
])
def test_bad_uploads_are_refused_with_a_reason_and_store_nothing(api, service_env, files, status, reason):
    student = token(api, 'student@example.com')
    r = httpx.post(api + '/api/v1/assignments/convnet/submissions', headers=student,
                   files=[('files', f) for f in files])
    assert r.status_code == status and reason in r.json()['error']
    assert httpx.get(api + '/api/v1/me/submissions', headers=student).json()['count'] == 0
    assert not os.path.exists(service_env['AG_STORAGE_DIR'])
    with sessions(service_env)() as session:
        assert session.scalar(select(func.count()).select_from(Blob)) == 0     # nothing reached the storage


def test_auth_errors_are_json(api):
    r = httpx.post(api + '/api/v1/auth/token', data={'username': 'student@example.com', 'password': 'nope'})
    assert r.status_code == 401 and r.json() == {'error': 'wrong e-mail or password'}
    r = httpx.get(api + '/api/v1/me/submissions')
    assert r.status_code == 401 and r.json() == {'error': 'not signed in or the token expired'}
    r = httpx.get(api + '/api/v1/me/submissions', headers={'Authorization': 'Bearer forged'})
    assert r.status_code == 401
    r = httpx.post(api + '/api/v1/assignments/nope/submissions', headers=token(api, 'student@example.com'),
                   files={'files': ('convolutional_networks.py', b'x = 1\n')})
    assert r.status_code == 404 and r.json() == {'error': "no assignment 'nope'"}


def test_tokens_expire(service_env, request):
    service_env['AG_TOKEN_LIFETIME_S'] = '1'
    base = request.getfixturevalue('api')
    headers = token(base, 'student@example.com')
    assert httpx.get(base + '/api/v1/me/submissions', headers=headers).status_code == 200
    time.sleep(1.5)
    assert httpx.get(base + '/api/v1/me/submissions', headers=headers).status_code == 401


def test_instructor_scores_best_latest_late_penalty_and_csv(api, service_env):
    from datetime import timedelta

    from sqlalchemy import select

    from app.core.models import Assignment, Submission, User
    Session = make_sessionmaker(make_engine(service_env['AG_DATABASE_URL']))
    with Session() as session:
        a = session.scalars(select(Assignment).where(Assignment.slug == 'convnet')).one()
        a.late_penalty = 0.25
        s1 = session.scalars(select(User).where(User.email == 'student@example.com')).one()
        due, late_due = a.due_at, a.late_due_at
        for score, when, late in ((60.0, due - timedelta(hours=2), False), (80.0, due - timedelta(hours=1), False),
                                  (100.0, due + timedelta(hours=1), True), (100.0, late_due + timedelta(hours=1), True)):
            session.add(Submission(owner_id=s1.id, assignment_id=a.id, content_sha256='0' * 64, files=[],
                                   status='graded', score=score, max_score=100.0, requested_at=when, late=late))
        session.commit()
    teacher = token(api, 'instructor@example.com')
    body = httpx.get(api + '/api/v1/assignments/convnet/scores', headers=teacher).json()
    assert body['count'] == 2
    first, second = body['data']                       # sorted by e-mail
    assert first['email'] == 'student2@example.com' and first['best'] is None and first['submissions'] == 0
    # 100 a day late (after late_due) counts 0; 100 an hour late counts 75; best 80 on time
    assert second['best'] == 80.0 and second['latest'] == 0.0 and second['submissions'] == 4 and second['late']
    csv_text = httpx.get(api + '/api/v1/assignments/convnet/scores.csv', headers=teacher).text
    lines = csv_text.splitlines()
    assert lines[0] == 'email,name,best,latest,max_score,submissions,last_submitted,late,extended_to'
    assert lines[1].startswith('student2@example.com,Kim Student,,,,0,,False')
    assert lines[2].startswith('student@example.com,Sam Student,80.0,0.0,100.0,4,')
    student = httpx.get(api + '/api/v1/assignments/convnet/scores', headers=token(api, 'student@example.com'))
    assert student.status_code == 403 and 'instructors' in student.json()['error']
