"""Passwords over real HTTP (uvicorn): a student changes theirs (page and API), an instructor issues a new
one to a student of their course who forgot it; every other session of the account ends."""
import re

import httpx
import pytest

from app.core.models import Course, Membership, User
from tests.integration.service.helpers import browser_like, member_elsewhere, sessions, token

pytestmark = pytest.mark.slow


def signed_in(client):
    return client.get('/', follow_redirects=False).status_code == 200


def test_a_student_changes_their_password_on_the_account_page(api):
    client, csrf = browser_like(api, 'student@example.com')
    other, _ = browser_like(api, 'student@example.com')                 # another browser
    headers = token(api, 'student@example.com', 'demo')
    page = client.get('/account')
    assert page.status_code == 200 and 'autocomplete="new-password"' in page.text and 'href="/account"' in page.text

    def change(current, new, repeat=None):
        return client.post('/account/password', data={'csrf': csrf, 'current': current, 'new': new,
                                                      'repeat': new if repeat is None else repeat})
    r = change('wrong', 'a-long-new-password')
    assert r.status_code == 401 and 'the current password is wrong' in r.text
    assert change('demo', 'short').status_code == 422 and 'at least 10 characters' in change('demo', 'short').text
    r = change('demo', 'a-long-new-password', 'a-long-new-passworD')
    assert r.status_code == 422 and 'the two new passwords differ' in r.text
    r = change('demo', 'Student@Example.com')
    assert r.status_code == 422 and 'your e-mail address' in r.text
    r = client.post('/account/password', data={'csrf': 'forged', 'current': 'demo', 'new': 'a-long-new-password',
                                               'repeat': 'a-long-new-password'})
    assert r.status_code == 403
    assert signed_in(other)                                              # nothing changed so far
    r = change('demo', 'a-long-new-password')
    assert r.status_code == 200 and 'Password changed' in r.text
    assert signed_in(client) and not signed_in(other)                    # this session stays, others end
    assert httpx.get(api + '/api/v1/me/submissions', headers=headers).status_code == 401
    assert httpx.post(api + '/login', data={'username': 'student@example.com', 'password': 'demo'}).status_code == 401
    browser_like(api, 'student@example.com', 'a-long-new-password')


def test_a_student_changes_their_password_over_the_api(api):
    first = token(api, 'student2@example.com', 'demo')
    second = token(api, 'student2@example.com', 'demo')
    url = api + '/api/v1/auth/password'
    r = httpx.post(url, json={'current_password': 'nope', 'new_password': 'a-long-new-password'}, headers=first)
    assert r.status_code == 401
    r = httpx.post(url, json={'current_password': 'demo', 'new_password': 'short'}, headers=first)
    assert r.status_code == 422 and 'at least 10 characters' in r.text
    assert httpx.post(url, json={'current_password': 'demo', 'new_password': 'x' * 12}).status_code == 401
    r = httpx.post(url, json={'current_password': 'demo', 'new_password': 'a-long-new-password'}, headers=first)
    assert r.status_code == 204
    assert httpx.get(api + '/api/v1/me/submissions', headers=first).status_code == 200      # the one used
    assert httpx.get(api + '/api/v1/me/submissions', headers=second).status_code == 401     # the others end
    token(api, 'student2@example.com', 'a-long-new-password')
    # a cookie session needs the CSRF header for it, as for every change
    client, csrf = browser_like(api, 'student2@example.com', 'a-long-new-password')
    body = {'current_password': 'a-long-new-password', 'new_password': 'another-long-one'}
    assert client.post('/api/v1/auth/password', json=body).status_code == 403
    assert client.post('/api/v1/auth/password', json=body, headers={'X-CSRF-Token': csrf}).status_code == 204


def test_an_instructor_issues_a_new_password_to_a_student_of_their_course(api, service_env):
    other_course_student = _other_course(service_env)
    teacher, csrf = browser_like(api, 'instructor@example.com')
    student, _ = browser_like(api, 'student@example.com')
    ids = _ids(service_env)
    history = '/instructor/assignments/convnet/students/%d' % ids['student@example.com']
    assert 'Issue a new password' in teacher.get(history).text
    assert teacher.post(history + '/password', data={'csrf': 'forged'}).status_code == 403
    assert signed_in(student)
    r = teacher.post(history + '/password', data={'csrf': csrf})
    assert r.status_code == 200
    password = re.search(r'<code id="new-password">([^<]+)</code>', r.text).group(1)
    assert len(password) >= 12 and not signed_in(student)               # their sessions ended
    assert httpx.post(api + '/login', data={'username': 'student@example.com', 'password': 'demo'}).status_code == 401
    browser_like(api, 'student@example.com', password)
    assert 'new-password' not in teacher.get(history).text              # shown once
    # not for accounts outside the course, nor for anyone who teaches, nor by a student
    outsider = '/instructor/assignments/convnet/students/%d' % other_course_student
    assert teacher.get(outsider).status_code == 404
    assert teacher.post(outsider + '/password', data={'csrf': csrf}).status_code == 404
    own = '/instructor/assignments/convnet/students/%d' % ids['instructor@example.com']
    assert 'Issue a new password' not in teacher.get(own).text
    assert teacher.post(own + '/password', data={'csrf': csrf}).status_code == 403
    ta = '/instructor/assignments/convnet/students/%d' % ids['student2@example.com']
    _teach_elsewhere(service_env, ids['student2@example.com'])         # a student here, an instructor there
    assert teacher.post(ta + '/password', data={'csrf': csrf}).status_code == 403
    pupil, pupil_csrf = browser_like(api, 'student@example.com', password)
    assert pupil.post(ta + '/password', data={'csrf': pupil_csrf}).status_code == 403
    browser_like(api, 'student2@example.com', 'demo')                   # still their own password


def _ids(env):
    with sessions(env)() as session:
        return {u.email: u.id for u in session.query(User)}


def _other_course(env):
    """A student enrolled only in another course -> their id."""
    return member_elsewhere(env, 'elsewhere@example.com', 'student')


def _teach_elsewhere(env, user_id):
    with sessions(env)() as session:
        course = session.query(Course).filter_by(slug='other').one()
        session.add(Membership(user_id=user_id, course_id=course.id, role='instructor'))
        session.commit()
