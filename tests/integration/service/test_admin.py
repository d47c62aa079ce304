"""python -m app.admin, run as a process on real databases: a course set up from nothing works over HTTP."""
import os
import subprocess
import sys

import httpx
import pytest
from sqlalchemy import func, select

from app.accounts.security import verify_password
from app.cli.migrate import upgrade
from app.core.models import Assignment, AuditEvent, Blob, Course, Membership, User
from app.core.storage import DbStorage, DirStorage
from tests.helpers.paths import ROOT
from tests.integration.service.helpers import admin, sessions

pytestmark = pytest.mark.slow


def admin_process(url, *args):
    """The same as a process: python -m app.admin with AG_DATABASE_URL."""
    r = subprocess.run([sys.executable, '-m', 'app.admin', *args], cwd=ROOT, capture_output=True, text=True,
                       env=dict(os.environ, AG_DATABASE_URL=url), timeout=120)
    return r.returncode, r.stdout, r.stderr


def passwords(out):
    return dict(line.split(',', 1) for line in out.splitlines())


def set_up_a_course(url, tmp_path):
    """Every command once, and what each refuses; -> the printed passwords."""
    upgrade(url)
    rc, out, _ = admin_process(url, 'add-user', 'Boss@Uni.edu', '--admin')
    assert rc == 0 and list(passwords(out)) == ['boss@uni.edu']
    assert admin_process(url, 'add-user', 'boss@uni.edu')[2] == (
        'error: boss@uni.edu already has an account (set-password gives it a new password)\n')
    rc, out, err = admin(url, 'add-course', 'cv-2027', 'Computer vision', '--instructor', 'prof@uni.edu')
    assert rc == 0 and err == 'course cv-2027 created\n' and list(passwords(out)) == ['prof@uni.edu']
    made = passwords(out) | passwords(admin(url, 'add-user', 'boss2@uni.edu')[1])
    assert admin(url, 'add-course', 'cv-2027', 'Again')[0:3:2] == (2, "error: the slug 'cv-2027' is taken\n")
    assert 'is not a slug' in admin(url, 'add-course', 'CV 2027', 'x')[2]
    rc, _, err = admin(url, 'add-assignment', 'cv-2027', 'hw6', 'Convnets', '--profile', 'nope')
    assert rc == 2 and "unknown profile 'nope'" in err
    rc, _, err = admin(url, 'add-assignment', 'cv-2027', 'hw6', 'Convnets', '--due', '2027-03-01T23:59',
                       '--late-due', '2027-02-01T23:59')
    assert rc == 2 and 'the late due date is before the due date' in err
    assert admin(url, 'add-assignment', 'nope', 'hw6', 'x')[2] == 'error: no course nope\n'
    rc, _, err = admin_process(url, 'add-assignment', 'cv-2027', 'hw6', 'x', '--due', 'friday')
    assert rc == 2 and "'friday' is not an ISO date and time" in err
    rc, out, err = admin(url, 'add-assignment', 'cv-2027', 'hw6', 'Convnets', '--profile', 'deep-vision-hw6',
                         '--due', '2027-03-01T23:59', '--late-due', '2027-03-03T23:59+00:00', '--late-penalty', '20',
                         '--no-training-checks')
    assert rc == 0 and out == '' and err == 'assignment hw6 created in cv-2027 (profile deep-vision-hw6)\n'
    roster = tmp_path / 'roster.csv'
    roster.write_text('email,name\nada@uni.edu,Ada\nprof@uni.edu,\nbad address,x\n')
    rc, _, err = admin(url, 'enrol', 'cv-2027', str(roster))
    assert rc == 2 and "line 4: 'bad address' is not an e-mail address" in err
    roster.write_text('email,name\nada@uni.edu,Ada\nprof@uni.edu,\n')
    rc, out, err = admin(url, 'enrol', 'cv-2027', str(roster))
    assert rc == 0 and err == '2 listed, 1 newly enrolled, 1 new accounts\n'
    assert list(passwords(out)) == ['ada@uni.edu']
    made |= passwords(out)
    rc, out, _ = admin(url, 'list')
    assert out.startswith('cv-2027  Computer vision  (1 instructors, 1 students)\n'
                          '  hw6  Convnets  profile deep-vision-hw6, due 2027-03-01 23:59 UTC\n')
    return made


def test_admin_sets_up_a_course_on_sqlite_that_works_over_http(tmp_path, service_env, api):
    made = set_up_a_course(service_env['AG_DATABASE_URL'], tmp_path)
    assert set(made) == {'prof@uni.edu', 'boss2@uni.edu', 'ada@uni.edu'}
    prof = _token(api, 'prof@uni.edu', made['prof@uni.edu'])
    r = httpx.get(api + '/api/v1/assignments/hw6/scores', headers=prof)
    assert r.status_code == 200                                          # an instructor of the new course
    ada = _token(api, 'ada@uni.edu', made['ada@uni.edu'])
    assert httpx.get(api + '/api/v1/assignments/hw6/scores', headers=ada).status_code == 403
    files = {'files': ('convolutional_networks.py', b'x = 1\n')}
    assert httpx.post(api + '/api/v1/assignments/hw6/submissions', files=files, headers=ada).status_code == 202
    assert httpx.post(api + '/api/v1/assignments/convnet/submissions', files=files,
                      headers=ada).status_code == 403                    # not in the demo course
    rc, out, _ = admin(service_env['AG_DATABASE_URL'], 'set-password', 'Prof@uni.edu')
    assert rc == 0 and httpx.get(api + '/api/v1/me/submissions', headers=prof).status_code == 401
    _token(api, 'prof@uni.edu', passwords(out)['prof@uni.edu'])
    assert admin(service_env['AG_DATABASE_URL'], 'set-password', 'who@uni.edu')[2] == 'error: no account who@uni.edu\n'


def test_admin_sets_up_a_course_on_postgresql(tmp_path, fresh_postgres):
    made = set_up_a_course(fresh_postgres, tmp_path)
    with sessions({'AG_DATABASE_URL': fresh_postgres})() as session:
        users = {u.email: u for u in session.scalars(select(User))}
        assert users['boss@uni.edu'].role == 'admin' and users['prof@uni.edu'].role == 'student'
        assert verify_password(users['ada@uni.edu'].password_hash, made['ada@uni.edu'])
        course = session.scalars(select(Course)).one()
        emails = {u.id: u.email for u in users.values()}
        roles = {emails[m.user_id]: m.role for m in session.scalars(select(Membership))}
        assert roles == {'prof@uni.edu': 'instructor', 'ada@uni.edu': 'student'}
        a = session.scalars(select(Assignment)).one()
        assert (a.course_id, a.late_penalty, a.training_checks, a.rate_limit_burst) == (course.id, 0.2, False, 5)
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [e.action for e in events] == ['account created', 'course created', 'roster import', 'account created',
                                              'assignment created', 'roster import']   # nothing of the refusals
        assert {e.actor_id for e in events} == {None} and events[0].detail == 'admin'      # the operator


def _token(base, email, password):
    r = httpx.post(base + '/api/v1/auth/token', data={'username': email, 'password': password})
    assert r.status_code == 200, r.text
    return {'Authorization': 'Bearer ' + r.json()['access_token']}


@pytest.mark.parametrize('database', ['sqlite', 'postgresql'])
def test_migrate_storage_copies_a_folder_into_the_database_once(tmp_path, request, database):
    url = ('sqlite:///%s' % (tmp_path / 'db.sqlite') if database == 'sqlite'
           else request.getfixturevalue('fresh_postgres'))
    upgrade(url)
    old = DirStorage(str(tmp_path / 'uploads'))
    digests = [old.put(b'x = %d\n' % i) for i in range(3)]
    with sessions({'AG_DATABASE_URL': url})() as session:     # one of them is there already
        DbStorage(session).put(b'x = 0\n')
        session.commit()
    rc, out, err = admin_process(url, 'migrate-storage', '--from-dir', str(tmp_path / 'uploads'))
    assert (rc, out, err) == (0, 'copied 2, already stored 1, refused 0\n', '')
    with sessions({'AG_DATABASE_URL': url})() as session:
        assert [DbStorage(session).get(d) for d in digests] == [b'x = 0\n', b'x = 1\n', b'x = 2\n']
        assert session.scalar(select(func.count()).select_from(Blob)) == 3
    assert admin(url, 'migrate-storage', '--from-dir', str(tmp_path / 'uploads'))[:2] == (
        0, 'copied 0, already stored 3, refused 0\n')                  # idempotent
    bad = tmp_path / 'uploads' / digests[1][:2] / ('0' * 64)           # a file whose name is not its sha256
    bad.write_bytes(b'tampered')
    rc, out, err = admin(url, 'migrate-storage', '--from-dir', str(tmp_path / 'uploads'))
    assert rc == 2 and out == 'copied 0, already stored 3, refused 1\n'
    assert 'refused %s: not a stored file' % bad in err and err.endswith('1 files refused (see above); '
                                                                         'the others are stored\n')
    assert admin(url, 'migrate-storage', '--from-dir', str(tmp_path / 'nowhere'))[2] == (
        'error: %s is not a folder\n' % (tmp_path / 'nowhere'))


def test_import_archive_stores_labelled_files_and_sends_the_reports(tmp_path, redis_url):
    """python -m app.admin import-archive: the .py files of a zip join the course's archive with their label, the
    same zip again adds nothing, a bad zip is refused with a reason; each assignment's report goes to the broker."""
    import base64
    import json
    import zipfile

    import redis
    from app.core.models import ArchiveFile
    url = 'sqlite:///%s' % (tmp_path / 'db.sqlite')
    upgrade(url)
    assert admin(url, 'add-course', 'cv', 'Computer vision')[0] == 0
    assert admin(url, 'add-assignment', 'cv', 'cv-a3', 'A3')[0] == 0
    path = tmp_path / 'past.zip'
    with zipfile.ZipFile(path, 'w') as zf:
        zf.writestr('2025/alice.py', 'x = 1\n')
        zf.writestr('2025/bob.py', 'y = 2\n')
    redis.Redis.from_url(redis_url).flushall()
    env = dict(os.environ, AG_DATABASE_URL=url, AG_BROKER_URL=redis_url)
    run = lambda *args: subprocess.run([sys.executable, '-m', 'app.admin', *args], cwd=ROOT, capture_output=True,
                                       text=True, env=env, timeout=120)
    r = run('import-archive', 'cv', str(path), '--label', 'EECS 498 fall 2025')
    assert r.returncode == 0 and r.stdout == 'added 2, already there 0\n', r.stderr
    assert run('import-archive', 'cv', str(path), '--label', 'again').stdout == 'added 0, already there 2\n'
    bad = tmp_path / 'bad.zip'
    bad.write_bytes(b'PK\x03\x04 garbage')
    r = run('import-archive', 'cv', str(bad), '--label', 'x')
    assert r.returncode == 2 and 'not a readable zip' in r.stderr
    with sessions({'AG_DATABASE_URL': url})() as session:
        rows = session.scalars(select(ArchiveFile)).all()
        assert sorted((f.label, f.name) for f in rows) == [('EECS 498 fall 2025', '2025/alice.py'),
                                                           ('EECS 498 fall 2025', '2025/bob.py')]
        assignment_id = session.scalars(select(Assignment.id)).one()
    sent = [json.loads(m) for m in redis.Redis.from_url(redis_url).lrange('cpu', 0, -1)]
    assert {m['headers']['task'] for m in sent} == {'grader.similarity'}
    assert [json.loads(base64.b64decode(m['body']))[0] for m in sent] == [[assignment_id, True]] * 2
