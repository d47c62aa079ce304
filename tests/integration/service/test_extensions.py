"""Extensions over real HTTP: a student's own due dates decide when their uploads close, which are late, the
late penalty and when their hidden details show; granted and taken back on the student's history page."""
import html
import re
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import select

from app.core.models import Submission, User
from tests.integration.service.helpers import browser_like, graded_row, sessions, set_assignment, token, upload, V1

pytestmark = pytest.mark.slow
NOW = datetime.now(timezone.utc).replace(second=0, microsecond=0)


def local(moment):
    return moment.strftime('%Y-%m-%dT%H:%M')


def user_id(env, email):
    with sessions(env)() as session:
        return session.scalars(select(User).where(User.email == email)).one().id


def late_flags(env, email):
    with sessions(env)() as session:
        uid = session.scalars(select(User).where(User.email == email)).one().id
        return [s.late for s in session.scalars(select(Submission).where(Submission.owner_id == uid)
                                                .order_by(Submission.id))]


def test_an_extension_reopens_uploads_and_moves_late_and_the_penalty(api, service_env):
    set_assignment(service_env, due_at=NOW - timedelta(days=2), late_due_at=NOW - timedelta(days=1),
                   late_penalty=0.5)
    sam, kim = token(api, 'student@example.com'), token(api, 'student2@example.com')
    assert upload(api, sam, 'x = 1\n').status_code == 403                  # closed for the class
    teacher, csrf = browser_like(api, 'instructor@example.com')
    page = '/instructor/assignments/convnet/students/%d' % user_id(service_env, 'student@example.com')
    assert "The class's dates" in teacher.get(page).text
    r = teacher.post(page + '/extension', data={'csrf': csrf, 'due_at': local(NOW + timedelta(days=1)),
                                                'late_due_at': local(NOW + timedelta(days=2))})
    assert r.status_code == 200 and 'Extension saved' in r.text and 'Their own dates (an extension)' in r.text
    r = upload(api, sam, 'x = 2\n')
    assert r.status_code == 202                                             # open again, for Sam only
    assert upload(api, kim, 'x = 2\n').status_code == 403
    assert late_flags(service_env, 'student@example.com') == [False]       # before Sam's own due date
    assert 'your extension' in browser_like(api, 'student@example.com')[0].get('/assignments/convnet').text
    # scores: graded rows an hour after the class's late due date count in full for Sam, 0 for Kim
    for email in ('student@example.com', 'student2@example.com'):
        sub_id = graded_row(service_env, email, score=8.0)
        with sessions(service_env)() as session:
            session.get(Submission, sub_id).requested_at = NOW - timedelta(hours=23)
            session.commit()
    rows = {r['email']: r for r in httpx.get(api + V1 + '/assignments/convnet/scores',
                                              headers=token(api, 'instructor@example.com')).json()['data']}
    assert rows['student@example.com']['best'] == 8.0 and rows['student2@example.com']['best'] == 0.0
    assert rows['student@example.com']['extended_to'].startswith(local(NOW + timedelta(days=1)))
    assert rows['student2@example.com']['extended_to'] is None
    assert 'extended to' in teacher.get('/instructor/assignments/convnet').text
    # taken back: the class's dates again, and the late flags follow
    r = teacher.post(page + '/extension', data={'csrf': csrf, 'action': 'revoke'})
    assert r.status_code == 200 and 'Extension removed' in r.text
    assert upload(api, sam, 'x = 3\n').status_code == 403
    assert late_flags(service_env, 'student@example.com') == [True, True]     # both after the class's due date
    rows = {r['email']: r for r in httpx.get(api + V1 + '/assignments/convnet/scores',
                                              headers=token(api, 'instructor@example.com')).json()['data']}
    assert rows['student@example.com']['best'] == 0.0


def test_hidden_details_show_at_the_owners_own_due_date(api, service_env):
    set_assignment(service_env, details_after_due=True, due_at=NOW - timedelta(hours=1), late_due_at=None)
    sam_sub, kim_sub = graded_row(service_env), graded_row(service_env, 'student2@example.com')
    teacher, csrf = browser_like(api, 'instructor@example.com')
    page = '/instructor/assignments/convnet/students/%d' % user_id(service_env, 'student@example.com')
    assert teacher.post(page + '/extension', data={'csrf': csrf, 'due_at': local(NOW + timedelta(days=3))}
                        ).status_code == 200
    sam, kim = token(api, 'student@example.com'), token(api, 'student2@example.com')
    body = httpx.get(api + V1 + '/submissions/%d' % sam_sub, headers=sam).json()
    assert all(c['hidden'] for c in body['checks'])                        # not before Sam's own due date
    assert httpx.get(api + V1 + '/submissions/%d/gradescope' % sam_sub, headers=sam).status_code == 403
    assert all(c['hidden'] for c in httpx.get(api + V1 + '/me/submissions', headers=sam).json()['data'][0]['checks'])
    body = httpx.get(api + V1 + '/submissions/%d' % kim_sub, headers=kim).json()
    assert not any(c['hidden'] for c in body['checks'])                    # Kim's due date has passed


def test_extensions_refuse_bad_dates_and_other_people(api, service_env):
    teacher, csrf = browser_like(api, 'instructor@example.com')
    page = '/instructor/assignments/convnet/students/%d' % user_id(service_env, 'student@example.com')
    r = teacher.post(page + '/extension', data={'csrf': csrf, 'due_at': local(NOW + timedelta(days=2)),
                                                'late_due_at': local(NOW + timedelta(days=1))})
    assert r.status_code == 422 and 'the late due date is before the due date' in r.text
    r = teacher.post(page + '/extension', data={'csrf': csrf, 'due_at': 'friday'})
    assert r.status_code == 422 and 'a date is not a date' in r.text
    assert teacher.post(page + '/extension', data={'csrf': csrf}).status_code == 422       # no due date
    assert teacher.post(page + '/extension', data={'csrf': 'forged', 'due_at': local(NOW)}).status_code == 403
    pupil, pupil_csrf = browser_like(api, 'student2@example.com')
    assert pupil.post(page + '/extension', data={'csrf': pupil_csrf, 'due_at': local(NOW)}).status_code == 403
    assert teacher.post('/instructor/assignments/convnet/students/999999/extension',
                        data={'csrf': csrf, 'due_at': local(NOW)}).status_code == 404
    assert "The class's dates" in teacher.get(page).text                # nothing was saved


def test_moving_the_class_due_date_re_marks_late_submissions(api, service_env):
    set_assignment(service_env, due_at=NOW + timedelta(days=1), late_due_at=NOW + timedelta(days=2))
    assert upload(api, token(api, 'student@example.com'), 'x = 1\n').status_code == 202
    assert late_flags(service_env, 'student@example.com') == [False]
    teacher, csrf = browser_like(api, 'instructor@example.com')
    settings = teacher.get('/instructor/assignments/convnet').text
    title = re.search(r'id="s-title"[^>]*value="([^"]*)"', settings).group(1)
    r = teacher.post('/instructor/assignments/convnet/settings', data={
        'csrf': csrf, 'title': title, 'profile': 'eecs498', 'due_at': local(NOW - timedelta(days=1)),
        'late_due_at': local(NOW + timedelta(days=2)), 'late_penalty_percent': '10', 'rate_limit_burst': '5',
        'rate_limit_per_hour': '10', 'training_checks': 'true'})
    assert r.status_code == 200 and 'Saved.' in r.text
    assert late_flags(service_env, 'student@example.com') == [True]


def test_extensions_over_rest(api, service_env):
    set_assignment(service_env, due_at=NOW - timedelta(days=2), late_due_at=NOW - timedelta(days=1))
    teacher, sam = token(api, 'instructor@example.com'), token(api, 'student@example.com')
    url = api + V1 + '/assignments/convnet/extensions'
    assert httpx.get(url, headers=teacher).json() == {'data': [], 'count': 0}
    r = httpx.put(url + '/Student@example.com', headers=teacher,
                  json={'due_at': local(NOW + timedelta(days=1)), 'late_due_at': local(NOW + timedelta(days=2))})
    assert r.status_code == 200, r.text
    assert r.json()['email'] == 'student@example.com' and r.json()['granted_by'] == 'instructor@example.com'
    assert r.json()['due_at'].startswith(local(NOW + timedelta(days=1)))
    assert upload(api, sam, 'x = 1\n').status_code == 202                   # open for Sam again
    assert httpx.get(url, headers=teacher).json()['count'] == 1
    r = httpx.put(url + '/student@example.com', headers=teacher, json={'due_at': local(NOW + timedelta(days=3)),
                                                                      'late_due_at': local(NOW)})
    assert r.status_code == 422 and r.json()['error'] == 'the late due date is before the due date'
    assert httpx.put(url + '/student@example.com', headers=teacher, json={'due_at': 'friday'}).status_code == 422
    assert httpx.put(url + '/nobody@example.com', headers=teacher,
                     json={'due_at': local(NOW)}).status_code == 404
    assert httpx.put(url + '/student2@example.com', headers=sam, json={'due_at': local(NOW)}).status_code == 403
    assert httpx.get(url, headers=sam).status_code == 403
    assert httpx.delete(url + '/student@example.com', headers=teacher).status_code == 204
    assert httpx.get(url, headers=teacher).json()['count'] == 0
    assert upload(api, sam, 'x = 2\n').status_code == 403                   # closed again


def test_two_instructors_granting_at_once_both_succeed_on_postgresql(fresh_postgres):
    """The second grant waits for the first's transaction, then replaces its dates: no unique-key error."""
    import threading

    from app.courses.terms import grant, terms_for
    from app.cli.migrate import upgrade
    from app.core.models import Assignment
    from app.cli.seed import seed
    upgrade(fresh_postgres)
    Session = sessions({'AG_DATABASE_URL': fresh_postgres})
    with Session() as session:
        seed(session, 'demo')
        sam = session.scalars(select(User).where(User.email == 'student@example.com')).one().id
    first_due, second_due = NOW + timedelta(days=1), NOW + timedelta(days=2)
    first, second, outcome = Session(), Session(), []
    a1 = first.scalars(select(Assignment).where(Assignment.slug == 'convnet')).one()
    grant(first, a1, sam, first_due, None, None)                          # not committed yet: holds the row

    def later():
        try:
            a2 = second.scalars(select(Assignment).where(Assignment.slug == 'convnet')).one()
            grant(second, a2, sam, second_due, None, None)                # waits for the first transaction
            second.commit()
            outcome.append('ok')
        except Exception as exc:                                          # what the test must not see
            outcome.append(repr(exc))
    thread = threading.Thread(target=later)
    thread.start()
    thread.join(1.0)
    assert thread.is_alive()                                              # blocked behind the first grant
    first.commit()
    thread.join(10)
    assert outcome == ['ok']
    with Session() as session:
        a = session.scalars(select(Assignment).where(Assignment.slug == 'convnet')).one()
        assert terms_for(session, a, sam).due_at == second_due
    first.close()
    second.close()


def test_an_accommodation_list_is_saved_whole_or_not_at_all(api, service_env):
    teacher, csrf = browser_like(api, 'instructor@example.com')
    url = '/instructor/assignments/convnet/extensions'
    due, late = local(NOW + timedelta(days=5)), local(NOW + timedelta(days=6))
    good = 'email,due_at,late_due_at\nStudent@example.com,%s,%s\nstudent2@example.com,%s,\n' % (due, late, due)
    for text, message in (
            ('email,when\nstudent@example.com,%s\n' % due, 'among them &#34;email&#34; and &#34;due_at&#34;'),
            (good + 'nobody@example.com,%s,\n' % due, 'line 4: nobody@example.com is not enrolled in this course'),
            (good + 'student@example.com,friday,\n', 'line 4: a date is not an ISO date and time'),
            (good + 'student@example.com,%s,%s\n' % (late, due), 'line 4: the late due date is before the due date')):
        r = teacher.post(url, data={'csrf': csrf, 'extensions': text})
        assert r.status_code == 422 and message in r.text, r.text[-2000:]
        assert html.escape(text.splitlines()[-1]) in r.text                # what was typed, kept to fix
        assert 'No extensions' in r.text                                   # none saved
    r = teacher.post(url, data={'csrf': csrf, 'extensions': good})
    assert r.status_code == 200 and '2 extensions saved.' in r.text
    listed = r.text[r.text.index('id="extension-list"'):r.text.index('</table>', r.text.index('id="extension-list"'))]
    assert 'student@example.com' in listed and 'student2@example.com' in listed
    rows = httpx.get(api + V1 + '/assignments/convnet/extensions',
                     headers=token(api, 'instructor@example.com')).json()['data']
    assert {r['email']: r['late_due_at'] is None for r in rows} == {'student@example.com': False,
                                                                    'student2@example.com': True}
    pupil, pupil_csrf = browser_like(api, 'student@example.com')
    assert pupil.post(url, data={'csrf': pupil_csrf, 'extensions': good}).status_code == 403
