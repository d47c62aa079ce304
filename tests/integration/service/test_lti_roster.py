"""Roster sync from the LMS (NRPS) end to end: the test LMS (lti1p3platform) in its own process, the service under
uvicorn, a real Celery worker; the instructor's button in Chromium or over HTTP with the page's cookie."""
import time
from contextlib import closing
from datetime import datetime, timezone

import httpx
import pytest
from sqlalchemy import func, select

from app.core.models import AuditEvent, Course, Membership, User
from app.lti import roster_sync
from app.lti.services import ServiceError, Tokens
from app.lti.tables import LtiAccount, LtiContext, LtiPlatform, LtiRosterSync
from tests.helpers.lti import INSTRUCTOR, LEARNER
from tests.integration.service.helpers import admin, browser_like, linked, sessions, shot, sync_roster

MEMBER = 'http://purl.imsglobal.org/vocab/lis/v2/membership'
TA = {'user_id': 'lms-ta-1', 'name': 'Tara Assistant', 'roles': [MEMBER + '/Instructor#TeachingAssistant']}
KAI = {'user_id': 'lms-student-2', 'given_name': 'Kai', 'family_name': 'Newman', 'roles': ['Learner'],
       'email': 'kai@example.edu'}
INACTIVE = {'user_id': 'lms-student-3', 'name': 'Ina Inactive', 'roles': [LEARNER], 'status': 'Inactive'}
MENTOR = {'user_id': 'lms-mentor-1', 'name': 'Mo Mentor', 'roles': [MEMBER + '#Mentor']}


def change(lms, **asked):
    """Change the test LMS's roster (add, remove, mode)."""
    assert httpx.post(lms + '/test/members', json=asked, timeout=5).status_code == 200


def context(env):
    with sessions(env)() as session:
        return session.scalars(select(LtiContext)).one()


def set_memberships_url(env, url):
    """What an instructor's launch leaves (the launch itself: test_the_button_syncs_the_roster_from_the_lms)."""
    with sessions(env)() as session:
        session.scalars(select(LtiContext)).one().memberships_url = url
        session.commit()


def wait_sync(env, timeout_s=120):
    """The newest sync once done or failed."""
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        with sessions(env)() as session:
            sync = session.scalars(select(LtiRosterSync).order_by(LtiRosterSync.id.desc())).first()
            if sync is not None and sync.status in ('done', 'failed'):
                return sync
        time.sleep(0.2)
    raise AssertionError('the roster sync did not finish in %d s' % timeout_s)


def course_state(env):
    """{user id: (name, role)} of the demo course and the number of accounts: what a sync may change."""
    with sessions(env)() as session:
        rows = session.execute(select(User.id, User.name, Membership.role).join(Membership).join(Course)
                               .where(Course.slug == 'demo')).all()
        return {uid: (name, role) for uid, name, role in rows}, session.scalar(select(func.count(User.id)))


def sync_over_http(env, api):
    """The instructor's button pressed over HTTP (the page's cookie and CSRF field) -> the finished sync."""
    client, csrf = browser_like(api, 'instructor@example.com')
    with closing(client):
        r = client.post('/instructor/assignments/convnet/lti-roster/%d' % context(env).id, data={'csrf': csrf})
        assert r.status_code == 200 and 'Roster from the LMS' in r.text, r.text[:300]
        sync = wait_sync(env)
        page = client.get('/instructor/assignments/convnet').text
    return sync, page


def test_the_button_syncs_the_roster_from_the_lms(lms, api, browser, service_env, celery_worker):
    celery_worker()
    change(lms, add=[TA, KAI, INACTIVE, MENTOR])              # 6 members: 3 pages of 2
    page = browser.new_context(viewport={'width': 1200, 'height': 900}).new_page()
    page.goto(lms + '/course?user=teacher')
    page.get_by_role('link', name='Convolutional networks').click()
    page.wait_for_url(api + '/assignments/convnet', timeout=20000)
    assert context(service_env).memberships_url == lms + '/memberships'         # the launch's NRPS claim
    page.goto(api + '/instructor/assignments/convnet')
    assert 'Not synced yet' in page.locator('#lti-roster').inner_text()

    text = sync_roster(page, api)
    assert 'Last sync: done' in text and '3 added, 0 changed, 0 removed' in text, text
    assert linked(service_env, 'lms-student-1')[1:] == ('Sam Learner', ['student'])
    assert linked(service_env, 'lms-ta-1')[1:] == ('Tara Assistant', ['instructor'])
    email, name, roles = linked(service_env, 'lms-student-2')
    assert email.endswith('.lti.invalid') and (name, roles) == ('Kai Newman', ['student'])
    with sessions(service_env)() as session:                 # inactive and mentor-only members get nothing
        assert session.scalars(select(LtiAccount.sub).order_by(LtiAccount.sub)).all() == [
            'lms-student-1', 'lms-student-2', 'lms-ta-1', 'lms-teacher-1']

    change(lms, add=[dict(KAI, family_name='Newman-Ortiz')], remove=['lms-student-1'])
    text = sync_roster(page, api)
    assert '0 added, 1 changed, 1 removed' in text and 'Sam Learner' in text, text
    assert linked(service_env, 'lms-student-2')[1] == 'Kai Newman-Ortiz'
    assert linked(service_env, 'lms-student-1')[2] == ['student']     # reported, kept with the submissions
    shot(page, 'lti-roster-sync')

    before = course_state(service_env)
    text = sync_roster(page, api)                                          # again: the same roster
    assert '0 added, 0 changed, 1 removed' in text, text
    assert course_state(service_env) == before
    with sessions(service_env)() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.action == 'roster synced from the LMS')) == 3


def test_only_the_course_instructors_sync_and_one_at_a_time(lms, api, service_env):
    set_memberships_url(service_env, lms + '/memberships')
    url = '/instructor/assignments/convnet/lti-roster/%d' % context(service_env).id
    student, csrf = browser_like(api, 'student@example.com')
    with closing(student):
        r = student.post(url, data={'csrf': csrf})
        assert r.status_code == 403 and 'instructors' in r.text
        assert 'Roster from the LMS' not in student.get('/instructor/assignments/convnet').text
    teacher, csrf = browser_like(api, 'instructor@example.com')
    with closing(teacher):
        assert teacher.post(url, data={'csrf': 'forged'}).status_code == 403
        with sessions(service_env)() as session:
            assert session.scalar(select(func.count(LtiRosterSync.id))) == 0
        assert teacher.post(url, data={'csrf': csrf}).status_code == 200     # queued (no worker here)
        r = teacher.post(url, data={'csrf': csrf})
        assert r.status_code == 409 and 'already waiting or running' in r.text
        other = '/instructor/assignments/convnet/lti-roster/999'
        assert teacher.post(other, data={'csrf': csrf}).status_code == 404


REFUSED = [('endless', 'more than 100 pages'), ('many', 'more than 20000 members'),
           ('offsite', 'http://lms.example.com/memberships?page=1'), ('redirect', 'with a redirect (HTTP 302)'),
           ('other-course', 'the roster of another LMS course'), ('not-json', 'is not a membership container')]


def test_hostile_rosters_are_refused_whole(lms, api, service_env, celery_worker):
    celery_worker()
    set_memberships_url(service_env, lms + '/memberships')
    before = course_state(service_env)
    for mode, reason in REFUSED:
        change(lms, mode=mode)
        sync, page = sync_over_http(service_env, api)
        assert sync.status == 'failed' and reason in sync.message, (mode, sync.message)
        assert reason.split("'")[0] in page, mode                      # the dashboard says why
        assert course_state(service_env) == before, mode                # nothing applied from part of a roster


def test_bad_entries_are_skipped_and_no_account_is_taken_over(lms, api, service_env, celery_worker):
    """Another registration's account with the same sub, and a local account with the e-mail the LMS lists,
    stay as they are: the roster's member gets an account of its own."""
    url = service_env['AG_DATABASE_URL']
    assert admin(url, 'lti-register', 'https://other.example', 'c2', '--login-url', 'https://other.example/a',
                 '--token-url', 'https://other.example/t', '--jwks-url', 'https://other.example/k',
                 '--deployment', 'd2')[0] == 0
    with sessions(service_env)() as session:
        other = session.scalars(select(LtiPlatform).where(LtiPlatform.issuer == 'https://other.example')).one()
        olive = User(email='olive@example.edu', name='Olive Other', role='student', password_hash='!lti',
                     created_at=other.created_at)
        session.add(olive)
        session.flush()
        session.add(LtiAccount(platform_id=other.id, sub='lms-student-2', user_id=olive.id))
        session.commit()
    celery_worker()
    set_memberships_url(service_env, lms + '/memberships')
    change(lms, mode='bad', add=[dict(KAI, name='Mallory', email='student@example.com'),
                                 {'user_id': 'lms-ta-2', 'roles': [INSTRUCTOR], 'email': 'instructor@example.com'}])
    sync, page = sync_over_http(service_env, api)
    assert sync.status == 'done' and '7 entries skipped' in sync.message, sync.message
    assert (sync.added, sync.changed, sync.removed) == (4, 0, 0)
    email, name, roles = linked(service_env, 'lms-student-2', lms)
    assert email.endswith('.lti.invalid') and (name, roles) == ('Mallory', ['student'])
    assert linked(service_env, 'lms-student-2', 'https://other.example') == ('olive@example.edu', 'Olive Other', [])
    assert linked(service_env, 'lms-ta-2', lms)[0].endswith('.lti.invalid')
    with sessions(service_env)() as session:
        local = {u.email: u.name for u in session.scalars(select(User).where(User.email.like('%@example.com')))}
        assert local == {'instructor@example.com': 'Ada Instructor', 'student@example.com': 'Sam Student',
                         'student2@example.com': 'Kim Student'}
        assert not session.scalars(select(LtiAccount).where(LtiAccount.sub.in_(('bad-roles', 'bad-name')))).all()


def test_a_platform_down_is_asked_again_then_the_sync_fails(lms, api, service_env):
    """What the task does between its tries (run here, not by a worker: its backoff is minutes)."""
    set_memberships_url(service_env, lms + '/memberships')
    change(lms, mode='down')
    Session = sessions(service_env)
    with Session() as session:
        sync = LtiRosterSync(context_id=context(service_env).id, requested_at=datetime.now(timezone.utc))
        session.add(sync)
        session.commit()
        sync_id = sync.id
    with pytest.raises(ServiceError) as raised:
        roster_sync.run(Session, sync_id, Tokens(), last_try=False)
    assert raised.value.retry
    with Session() as session:
        sync = session.get(LtiRosterSync, sync_id)
        assert sync.status == 'queued' and sync.message.startswith('trying again: the platform answered HTTP 503')
    roster_sync.run(Session, sync_id, Tokens(), last_try=True)
    with Session() as session:
        sync = session.get(LtiRosterSync, sync_id)
        assert sync.status == 'failed' and 'HTTP 503' in sync.message and sync.finished_at is not None
    roster_sync.run(Session, sync_id, Tokens())          # a message delivered again: a finished sync stays
    with Session() as session:
        assert session.get(LtiRosterSync, sync_id).status == 'failed'
