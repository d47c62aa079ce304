"""LTI grade passback (Assignment and Grade Services) end to end: the test LMS (lti1p3platform, its own process),
the service under uvicorn, a real Celery worker, Chromium. A student launched from the LMS is graded; the worker
makes the link's line item in the LMS course and posts the score; the LMS's gradebook shows it."""
import time
from contextlib import closing
from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import select

from app.core.models import User
from app.lti.tables import LtiAccount, LtiContext, LtiGradeSync, LtiResourceLink
from tests.integration.service.helpers import (apply_regrade, browser_like, graded_row, launch_from_lms,
                                               member_elsewhere, sessions, set_assignment, shot, sign_in, submit,
                                               token, wait_graded, wait_until)

DASHBOARD = '/instructor/assignments/convnet'
SUB = 'lms-student-1'
NOW = datetime.now(timezone.utc)


def lms_state(lms):
    return httpx.get(lms + '/test/scores', timeout=5).json()


def lms_scores(lms):
    """{userId: (scoreGiven, scoreMaximum)} in the LMS's gradebook."""
    return {s['userId']: (s['scoreGiven'], s['scoreMaximum']) for s in lms_state(lms)['scores']}


def sync_row(env):
    """The student's LtiGradeSync row as a dict (None before the first send)."""
    with sessions(env)() as session:
        row = session.scalars(select(LtiGradeSync)).first()
        return row and {k: getattr(row, k) for k in ('status', 'attempts', 'last_error', 'score_given',
                                                      'score_maximum', 'sent_at')}


def settled(env):
    """The sync row once it is sent or failed."""
    return wait_until(lambda: (r := sync_row(env)) and r['status'] != 'pending' and r, 30,
                      'the score sent or failed')


def launched(browser, lms, api, env):
    """The LMS's student launches the link (their account and the link are made) -> their e-mail in the grader."""
    launch_from_lms(browser.new_context().new_page(), lms, api, 'student')
    with sessions(env)() as session:
        account = session.scalars(select(LtiAccount).where(LtiAccount.sub == SUB)).one()
        return session.get(User, account.user_id).email


def resend(teacher, csrf):
    r = teacher.post(DASHBOARD + '/lti-grades/resend', data={'csrf': csrf})
    assert r.status_code == 200 and 'LMS grade sync' in r.text, r.text[:300]
    return r


def test_grades_reach_the_lms_gradebook_after_grading_and_after_an_applied_regrade(site, lms, browser,
                                                                                      service_env, correct_source):
    from playwright.sync_api import expect
    teacher = sign_in(browser, site, 'instructor@example.com', DASHBOARD)
    expect(teacher.locator('#lti-grades')).to_have_count(0)                 # no LMS link opens it yet

    page = browser.new_context().new_page()
    launch_from_lms(page, lms, site, 'student')
    submit(page, site, 'convolutional_networks.py', correct_source)
    wait_graded(page)
    expect(page.locator('#score')).to_have_text('92 / 92')
    gradebook = browser.new_context().new_page()
    gradebook.goto(lms + '/gradebook')
    wait_until(lambda: lms_scores(lms).get(SUB), 30, 'the score in the gradebook')
    gradebook.reload()
    expect(gradebook.locator('#gradebook tr', has_text=SUB)).to_contain_text('Convolutional networks')
    expect(gradebook.locator('#gradebook tr', has_text=SUB)).to_contain_text('92/92')
    shot(gradebook, 'lti-lms-gradebook')
    [item] = lms_state(lms)['lineitems']                     # made by the grader for the link
    assert (item['resourceLinkId'], item['resourceId'], item['scoreMaximum']) == ('link-1', 'convnet', 92.0)
    [score] = lms_state(lms)['scores']
    assert (score['activityProgress'], score['gradingProgress']) == ('Completed', 'FullyGraded')
    assert datetime.fromisoformat(score['timestamp']).utcoffset() == timedelta(0)

    teacher.reload()
    expect(teacher.locator('#lti-sent')).to_have_text('1')
    expect(teacher.locator('#lti-failed')).to_have_text('0')
    expect(teacher.locator('#lti-last-sent')).not_to_have_text('never')
    shot(teacher, 'lti-grade-sync')

    # a regrade under another course variant changes the score: applied, the gradebook follows
    apply_regrade(teacher, 'deep-vision-hw6')
    page.reload()
    new = page.locator('#score').inner_text()
    assert new != '92 / 92'
    given, maximum = (float(x) for x in new.split(' / '))
    assert wait_until(lambda: lms_scores(lms)[SUB] == (given, maximum), 30, 'the new score in the gradebook')
    assert len(lms_state(lms)['lineitems']) == 1                           # the same column


def test_the_late_penalty_and_an_extension_are_in_the_score_sent(site, lms, browser, service_env):
    set_assignment(service_env, due_at=NOW - timedelta(days=1), late_due_at=NOW + timedelta(days=2),
                   late_penalty=0.25)
    email = launched(browser, lms, site, service_env)
    graded_row(service_env, email, score=8.0)                             # uploaded a day late: 25 % off
    teacher, csrf = browser_like(site, 'instructor@example.com')
    with closing(teacher):
        resend(teacher, csrf)
        assert settled(service_env)['status'] == 'sent'
        assert lms_scores(lms)[SUB] == (6.0, 10.0)                          # what the dashboard shows as best
        assert '>6<' in teacher.get(DASHBOARD).text
        with sessions(service_env)() as session:
            student_id = session.scalars(select(LtiAccount.user_id).where(LtiAccount.sub == SUB)).one()
        r = teacher.post(DASHBOARD + '/students/%d/extension' % student_id,
                         data={'csrf': csrf, 'due_at': (NOW + timedelta(days=1)).strftime('%Y-%m-%dT%H:%M')})
        assert r.status_code == 200                                     # sent by itself: on time under it
        wait_until(lambda: lms_scores(lms)[SUB] == (8.0, 10.0), 30, 'the extension in the LMS')
        r = httpx.delete(site + '/api/v1/assignments/convnet/extensions/' + email,
                         headers=token(site, 'instructor@example.com'))
        assert r.status_code == 204                                      # taken back over REST: late again
        wait_until(lambda: lms_scores(lms)[SUB] == (6.0, 10.0), 30, 'the extension gone in the LMS')
        moment = lambda days: (NOW + timedelta(days=days)).strftime('%Y-%m-%dT%H:%M')    # noqa: E731
        r = teacher.post(DASHBOARD + '/settings', data={
            'csrf': csrf, 'title': 'Convolutional networks', 'profile': 'eecs498', 'due_at': moment(-1),
            'late_due_at': moment(2), 'late_penalty_percent': '50'})
        assert r.status_code == 200 and 'Saved.' in r.text                # a new penalty: every score again
        wait_until(lambda: lms_scores(lms)[SUB] == (4.0, 10.0), 30, 'the new penalty in the LMS')


def test_a_platform_down_is_retried_with_backoff_then_the_score_is_sent(site, lms, browser, service_env):
    email = launched(browser, lms, site, service_env)
    graded_row(service_env, email, score=7.5)
    httpx.post(lms + '/test/fail-scores', params={'count': 2, 'status': 503}, timeout=5)
    teacher, csrf = browser_like(site, 'instructor@example.com')
    with closing(teacher):
        resend(teacher, csrf)
        seen = wait_until(lambda: (r := sync_row(service_env)) and r['last_error'] and r, 30,
                          'the first 503 recorded')
        assert seen['status'] == 'pending' and 'HTTP 503' in seen['last_error']
        done = settled(service_env)
    assert (done['status'], done['attempts'], done['last_error']) == ('sent', 3, '')
    assert lms_state(lms)['posts'] == 3 and lms_scores(lms)[SUB] == (7.5, 10.0)


def test_a_refused_score_is_shown_on_the_dashboard_and_sent_again_with_the_button(site, lms, browser,
                                                                                  service_env):
    from playwright.sync_api import expect
    email = launched(browser, lms, site, service_env)
    graded_row(service_env, email, score=7.5)
    httpx.post(lms + '/test/fail-scores', params={'count': 1, 'status': 400}, timeout=5)
    teacher = sign_in(browser, site, 'instructor@example.com', DASHBOARD)
    teacher.get_by_role('button', name='Send grades to the LMS again').click()
    row = settled(service_env)
    assert (row['status'], row['attempts']) == ('failed', 1)                # a 4xx is not tried again
    assert 'HTTP 400' in row['last_error'] and lms_scores(lms) == {}
    teacher.reload()
    expect(teacher.locator('#lti-failed')).to_have_text('1')
    expect(teacher.locator('#lti-failures')).to_contain_text('the platform answered HTTP 400 to the score')
    expect(teacher.locator('#lti-failures')).to_contain_text('7.5 / 10')
    shot(teacher, 'lti-grade-sync-failed')
    teacher.get_by_role('button', name='Send grades to the LMS again').click()
    assert settled(service_env)['status'] == 'sent' and lms_scores(lms)[SUB] == (7.5, 10.0)
    teacher.reload()
    expect(teacher.locator('#lti-sent')).to_have_text('1')
    expect(teacher.locator('#lti-failures')).to_have_count(0)


def test_only_the_course_instructors_send_grades_again(site, lms, browser, service_env):
    email = launched(browser, lms, site, service_env)
    graded_row(service_env, email, score=7.5)
    member_elsewhere(service_env, 'other@example.com', 'instructor')
    url = DASHBOARD + '/lti-grades/resend'
    for who in ('student@example.com', 'other@example.com'):
        client, csrf = browser_like(site, who)
        with closing(client):
            assert client.post(url, data={'csrf': csrf}).status_code == 403
    teacher, csrf = browser_like(site, 'instructor@example.com')
    with closing(teacher):
        assert teacher.post(url, data={'csrf': 'forged'}).status_code == 403
        assert teacher.post(url, data={}).status_code == 403
    time.sleep(2)                                                           # a queued task would have run
    assert sync_row(service_env) is None and lms_state(lms)['posts'] == 0


def _link(env):
    with sessions(env)() as session:
        link = session.scalars(select(LtiResourceLink)).one()
        return link.lineitem_url, session.get(LtiContext, link.context_id).lineitems_url


def test_hostile_platform_answers_are_refused(site, lms, browser, service_env):
    set_claim = lambda **q: httpx.post(lms + '/test/claim', params=q, timeout=5)   # noqa: E731
    set_claim(lineitem='http://lms.example.test/lineitems/1', lineitems='http://lms.example.test/lineitems')
    email = launched(browser, lms, site, service_env)
    assert _link(service_env) == (None, None)                              # plain http off loopback: not kept
    graded_row(service_env, email, score=7.5)
    teacher, csrf = browser_like(site, 'instructor@example.com')
    with closing(teacher):
        resend(teacher, csrf)
        assert 'neither a line item' in settled(service_env)['last_error']

        set_claim(created='http://lms.example.test/lineitems/1')           # a made line item named off https
        launched(browser, lms, site, service_env)
        resend(teacher, csrf)
        row = settled(service_env)
        assert row['status'] == 'failed' and 'is not an https URL' in row['last_error']
        assert _link(service_env)[0] is None

        set_claim()
        resend(teacher, csrf)
        assert settled(service_env)['status'] == 'sent'
        assert len(lms_state(lms)['lineitems']) == 1                       # the one made before, found again

        for kind, message in (('huge', 'larger than 1048576 bytes'), ('redirect', 'with a redirect (HTTP 307')):
            httpx.post(lms + '/test/fail-scores', params={'count': 1, 'kind': kind}, timeout=5)
            resend(teacher, csrf)
            row = settled(service_env)
            assert row['status'] == 'failed' and message in row['last_error'], row
    assert lms_state(lms)['stolen'] == 0                                   # the redirect was not followed
