"""The pages' server side over real HTTP (no browser needed): sign-in cookie, CSRF, settings, roster
import, leaderboard, exports, regrade preview applied by a real worker."""
import io
import json
import re
import time
import zipfile
from datetime import datetime, timezone

import httpx
import pytest
from sqlalchemy import select

from app.core.models import Assignment, CheckRow, Course, Submission, User
from tests.integration.service.helpers import browser_like, graded_row, sessions, set_assignment

pytestmark = pytest.mark.slow


def test_sign_in_out_redirects_and_csrf(api):
    r = httpx.get(api + '/assignments/convnet', follow_redirects=False)
    assert r.status_code == 303 and r.headers['location'] == '/login?next=/assignments/convnet'
    r = httpx.post(api + '/login', data={'username': 'student@example.com', 'password': 'nope'})
    assert r.status_code == 401 and 'wrong e-mail or password' in r.text and 'student@example.com' in r.text
    r = httpx.post(api + '/login', data={'username': 'student@example.com', 'password': 'demo',
                                         'next': '//evil.example/'}, follow_redirects=False)
    assert r.status_code == 303 and r.headers['location'] == '/'           # no open redirect
    cookie = r.headers['set-cookie']
    assert 'HttpOnly' in cookie and 'SameSite=strict' in cookie
    client, csrf = browser_like(api, 'student@example.com')
    # the cookie works for the API's reads, but a change needs the CSRF header
    assert client.get('/api/v1/me/submissions').json()['count'] == 0
    files = {'files': ('convolutional_networks.py', b'x = 1\n')}
    r = client.post('/api/v1/assignments/convnet/submissions', files=files)
    assert r.status_code == 403 and 'X-CSRF-Token' in r.json()['error']
    r = client.post('/assignments/convnet/upload', files=files, data={'csrf': 'forged'})
    assert r.status_code == 403 and 'this form has expired' in r.text
    r = client.post('/api/v1/assignments/convnet/submissions', files=files, headers={'X-CSRF-Token': csrf})
    assert r.status_code == 202
    # the no-JavaScript upload: same rules, answered with pages
    r = client.post('/assignments/convnet/upload', files={'files': ('notes.txt', b'x')}, data={'csrf': csrf})
    assert r.status_code == 422 and 'is not an allowed file name' in r.text
    r = client.post('/assignments/convnet/upload', files={'files': ('convolutional_networks.py', b'y = 2\n')},
                    data={'csrf': csrf})
    assert r.status_code == 200 and re.search(r'/submissions/\d+$', str(r.url))
    assert client.post('/logout', data={'csrf': csrf}).url.path == '/login'
    assert client.get('/api/v1/me/submissions').status_code == 401            # the token is gone


def test_settings_are_validated_and_saved(api, service_env):
    client, csrf = browser_like(api, 'instructor@example.com')
    form = {'csrf': csrf, 'title': 'ConvNets', 'profile': 'sta9131', 'due_at': '2026-12-10T12:00',
            'late_due_at': '2026-12-09T12:00', 'late_penalty_percent': '20', 'rate_limit_burst': '3',
            'rate_limit_per_hour': '6', 'details_after_due': 'true'}
    r = client.post('/instructor/assignments/convnet/settings', data=form)
    assert 'the late due date is before the due date' in r.text
    r = client.post('/instructor/assignments/convnet/settings', data=dict(form, profile='nope',
                                                                          late_due_at='2026-12-12T12:00'))
    assert "unknown profile &#39;nope&#39;" in r.text
    r = client.post('/instructor/assignments/convnet/settings', data=dict(form, late_due_at='2026-12-12T12:00'))
    assert 'Saved.' in r.text
    with sessions(service_env)() as session:
        a = session.scalars(select(Assignment).where(Assignment.slug == 'convnet')).one()
        assert (a.title, a.profile, a.late_penalty, a.rate_limit_burst, a.details_after_due, a.training_checks) == (
            'ConvNets', 'sta9131', 0.2, 3, True, False)
        assert a.due_at.replace(tzinfo=timezone.utc) == datetime(2026, 12, 10, 12, tzinfo=timezone.utc)
    student, csrf = browser_like(api, 'student@example.com')
    r = student.post('/instructor/assignments/convnet/settings', data=dict(form, csrf=csrf))
    assert r.status_code == 403


def test_roster_import_creates_accounts_that_can_sign_in(api, service_env):
    client, csrf = browser_like(api, 'instructor@example.com')
    r = client.post('/instructor/assignments/convnet/roster', data={'csrf': csrf, 'roster': 'name\nAda\n'})
    assert 'the first line must name the columns, among them &#34;email&#34;' in r.text
    r = client.post('/instructor/assignments/convnet/roster',
                    data={'csrf': csrf, 'roster': 'email,name\nnot-an-address,X\n'})
    assert 'line 2: &#39;not-an-address&#39; is not an e-mail address' in r.text
    text = 'Email,Name,Role\nada@example.edu,Ada Lovelace,\nstudent@example.com,Sam,\nta@example.edu,Tim,instructor\n'
    r = client.post('/instructor/assignments/convnet/roster', data={'csrf': csrf, 'roster': text})
    assert '3 listed, 2 newly enrolled, 2 new accounts.' in r.text
    accounts = dict(re.findall(r'<tr><td>([^<]+)</td><td><code>([^<]+)</code></td></tr>', r.text))
    assert set(accounts) == {'ada@example.edu', 'ta@example.edu'}
    ada, _ = browser_like(api, 'ada@example.edu', accounts['ada@example.edu'])
    assert 'Convolutional networks (EECS 498)' in ada.get('/').text
    ta, _ = browser_like(api, 'ta@example.edu', accounts['ta@example.edu'])
    assert ta.get('/instructor/assignments/convnet').status_code == 200
    assert 'Ada Lovelace' in client.get('/instructor/assignments/convnet').text


def solver_row(env, email, accuracy):
    sub_id = graded_row(env, email)
    with sessions(env)() as session:
        session.add(CheckRow(submission_id=sub_id, check_id='solver.synthetic_cifar', component='solver',
                             status='passed', score=4.0, max_score=4.0, error=accuracy, threshold=0.5,
                             metric='at_least', message='accuracy %.3f >= 0.5' % accuracy))
        session.commit()
    return sub_id


def test_leaderboard_is_off_by_default_and_pseudonymous(api, service_env):
    solver_row(service_env, 'student@example.com', 0.61)
    solver_row(service_env, 'student@example.com', 0.66)
    solver_row(service_env, 'student2@example.com', 0.72)
    client, _ = browser_like(api, 'student@example.com')
    assert client.get('/assignments/convnet/leaderboard').status_code == 404
    set_assignment(service_env, leaderboard=True)
    page = client.get('/assignments/convnet/leaderboard').text
    rows = re.findall(r'<td>(\d)</td><td>([a-z]+ [a-z]+ \d+)( \(you\))?</td><td>([\d.]+) %</td>', page)
    assert [(rank, you != '', acc) for rank, _, you, acc in rows] == [('1', False, '72.0'), ('2', True, '66.0')]
    assert 'student2' not in page and 'Kim' not in page
    again = client.get('/assignments/convnet/leaderboard').text
    assert re.findall(r'[a-z]+ [a-z]+ \d+ \(you\)', again) == re.findall(r'[a-z]+ [a-z]+ \d+ \(you\)', page)


def test_gradescope_zip_holds_each_students_best(api, service_env):
    graded_row(service_env, 'student@example.com', score=6.0)
    best = graded_row(service_env, 'student@example.com', score=9.0)
    graded_row(service_env, 'student2@example.com', score=5.0)
    client, _ = browser_like(api, 'instructor@example.com')
    r = client.get('/api/v1/assignments/convnet/gradescope.zip')
    assert r.status_code == 200 and r.headers['content-type'] == 'application/zip'
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    assert sorted(zf.namelist()) == ['student2@example.com/results.json', 'student@example.com/results.json']
    assert json.loads(zf.read('student@example.com/results.json'))['score'] == 9.0
    student, _ = browser_like(api, 'student@example.com')
    assert student.get('/api/v1/assignments/convnet/gradescope.zip').status_code == 403
    assert best


def test_regrade_preview_then_apply_writes_the_previewed_results(api, service_env, celery_worker):
    from tests.helpers.paths import read_submission
    celery_worker()
    set_assignment(service_env, training_checks=False)
    student, csrf = browser_like(api, 'student@example.com')
    r = student.post('/api/v1/assignments/convnet/submissions', headers={'X-CSRF-Token': csrf},
                     files={'files': ('convolutional_networks.py', read_submission('correct_vectorized'))})
    sub_id = r.json()['id']
    deadline = time.monotonic() + 180
    while student.get('/api/v1/submissions/%d' % sub_id).json()['status'] != 'graded':
        assert time.monotonic() < deadline
        time.sleep(0.5)
    teacher, csrf = browser_like(api, 'instructor@example.com')
    set_assignment(service_env, profile='deep-vision-hw6')    # the eecs498 file fails parts of another variant
    r = teacher.post('/instructor/assignments/convnet/regrade-preview', data={'csrf': csrf})
    run_url = str(r.url)
    while 'of 1 graded aside' not in r.text or '0 of 1' in r.text:
        assert time.monotonic() < deadline
        time.sleep(0.5)
        r = teacher.get(run_url)
    new = float(re.search(r'<span class="(?:up|down|)">([\d.]+)</span>', r.text).group(1))
    assert new < 92 and '1 would change' in r.text
    with sessions(service_env)() as session:
        assert session.get(Submission, sub_id).score == 92.0                   # nothing written yet
    r = teacher.post(run_url + '/apply', data={'csrf': csrf})
    assert 'Regrade' in r.text and 'applied' in r.text
    with sessions(service_env)() as session:
        sub = session.get(Submission, sub_id)
        assert sub.score == new and sub.status == 'graded'
        assert session.scalar(select(User.email).where(User.id == sub.owner_id)) == 'student@example.com'
    assert teacher.post(run_url + '/apply', data={'csrf': csrf}).status_code == 409


def test_student_output_and_messages_are_escaped_on_the_pages(api, service_env):
    sub_id = graded_row(service_env)
    hostile = '<img src=x onerror="alert(1)">'
    with sessions(service_env)() as session:
        check = session.scalars(select(CheckRow).where(CheckRow.submission_id == sub_id)).first()
        check.output, check.message = 'printed ' + hostile, 'message ' + hostile
        session.commit()
    for email in ('student@example.com', 'instructor@example.com'):
        client, _ = browser_like(api, email)
        page = client.get('/submissions/%d' % sub_id).text
        assert hostile not in page
        assert 'printed &lt;img src=x onerror=&#34;alert(1)&#34;&gt;' in page
        assert 'message &lt;img' in page


def test_only_a_courses_instructors_add_assignments_to_it(api, service_env):
    with sessions(service_env)() as session:
        other = Course(slug='other', title='Other course')
        session.add(other)
        session.commit()
    teacher, csrf = browser_like(api, 'instructor@example.com')
    pupil, pupil_csrf = browser_like(api, 'student@example.com')
    form = {'csrf': csrf, 'slug': 'hw-x', 'title': 'X', 'profile': 'eecs498'}
    assert teacher.post('/instructor/courses/demo/assignments', data=dict(form, csrf='forged')).status_code == 403
    assert teacher.post('/instructor/courses/other/assignments', data=form).status_code == 403   # not theirs
    assert teacher.post('/instructor/courses/nope/assignments', data=form).status_code == 404
    assert pupil.post('/instructor/courses/demo/assignments', data=dict(form, csrf=pupil_csrf)).status_code == 403
    r = teacher.post('/instructor/courses/demo/assignments', data=dict(form, profile='nope'))
    assert r.status_code == 422 and "unknown profile &#39;nope&#39;" in r.text
    r = teacher.post('/instructor/courses/demo/assignments', data=dict(form, slug='HW X'))
    assert r.status_code == 422 and 'is not a slug' in r.text
    with sessions(service_env)() as session:
        assert session.scalars(select(Assignment).where(Assignment.slug.in_(['hw-x', 'HW X']))).all() == []
    r = teacher.post('/instructor/courses/demo/assignments', data=form)
    assert r.status_code == 200 and str(r.url).endswith('/instructor/assignments/hw-x')
    with sessions(service_env)() as session:
        made = session.scalars(select(Assignment).where(Assignment.slug == 'hw-x')).one()
        assert (made.title, made.profile, made.due_at, made.training_checks) == ('X', 'eecs498', None, True)


def test_sign_in_from_another_site_is_refused(api):
    """Red-team pass: another site's page could sign a visitor into an account it chose (login CSRF), so the
    visitor's uploads went to that account. A cross-site form gets 403 and no session."""
    form = {'username': 'student@example.com', 'password': 'demo', 'next': '/'}
    for headers in ({'Origin': 'https://evil.example'}, {'Sec-Fetch-Site': 'cross-site'}, {'Origin': 'null'}):
        r = httpx.post(api + '/login', data=form, headers=headers, follow_redirects=False)
        assert r.status_code == 403 and 'set-cookie' not in r.headers, (headers, r.status_code)
    host = api.split('://', 1)[1]
    r = httpx.post(api + '/login', data=form, headers={'Origin': 'http://' + host, 'Sec-Fetch-Site': 'same-origin'},
                   follow_redirects=False)
    assert r.status_code == 303 and 'ag_session=' in r.headers['set-cookie']


def test_an_over_long_user_name_is_no_bucket_key(api, service_env):
    """Red-team pass: a 900 000-character user name was stored as a throttle key."""
    from app.core.models import Throttle
    r = httpx.post(api + '/api/v1/auth/token', data={'username': 'x' * 900_000, 'password': 'nope'})
    assert r.status_code == 401
    with sessions(service_env)() as session:
        assert max((len(t.key) for t in session.scalars(select(Throttle))), default=0) < 300
