"""Issue 13, hole 3: rights over an account follow who owns it, not who enrolled it last. An instructor who
enrols an existing account by e-mail (roster import) gets no power over it: no new password, so no signing
in as that student and reading their submissions in other courses. Real uvicorn, SQLite, the CLI."""
import io
import re
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import select, text

from app.accounts.security import hash_password
from app.cli.admin import main as admin_main
from app.core.models import Assignment, AuditEvent, Course, Membership, User
from tests.integration.service.helpers import browser_like, sessions, token

pytestmark = pytest.mark.slow
NEW_PASSWORD = re.compile(r'<code id="new-password">([^<]+)</code>')


def add_account(env, email, role='student', course=None, member_role=None):
    """An account made straight in SQL (no home course, as `add-user` makes them), optionally a member of `course`."""
    with sessions(env)() as session:
        user = User(email=email, name=email.split('@')[0], role=role, password_hash=hash_password('demo'),
                    created_at=datetime.now(timezone.utc))
        session.add(user)
        session.flush()
        if course:
            course_id = session.scalars(select(Course.id).where(Course.slug == course)).one()
            session.add(Membership(user_id=user.id, course_id=course_id, role=member_role))
        session.commit()
        return user.id


def course_b(env):
    """Course B with the assignment b-hw, taught by prof-b@example.com (who teaches nothing else)."""
    now = datetime.now(timezone.utc)
    with sessions(env)() as session:
        course = Course(slug='course-b', title='Course B')
        session.add(course)
        session.flush()
        session.add(Assignment(course_id=course.id, slug='b-hw', title='B homework', profile='eecs498',
                               due_at=now + timedelta(days=14), late_due_at=now + timedelta(days=17)))
        session.commit()
    add_account(env, 'prof-b@example.com', course='course-b', member_role='instructor')


def user_row(env, email):
    with sessions(env)() as session:
        return session.scalars(select(User).where(User.email == email)).one()


def import_roster(client, csrf, slug, text):
    r = client.post('/instructor/assignments/%s/roster' % slug, data={'csrf': csrf, 'roster': text})
    assert r.status_code == 200, r.text[-500:]
    return r.text


def reset(client, csrf, slug, student_id):
    """(status, the new password or None) of a reset from the student's history page."""
    r = client.post('/instructor/assignments/%s/students/%d/password' % (slug, student_id), data={'csrf': csrf})
    found = NEW_PASSWORD.search(r.text)
    return r.status_code, found.group(1) if found else None, r.text


def test_an_instructor_of_another_course_cannot_take_over_a_student(api, service_env):
    course_b(service_env)
    sam = token(api, 'student@example.com')
    r = httpx.post(api + '/api/v1/assignments/convnet/submissions', headers=sam,
                   files={'files': ('convolutional_networks.py', b'# Sam, course A\nx = 1\n')})
    assert r.status_code == 202, r.text
    course_a_submission = r.json()['id']
    prof, csrf = browser_like(api, 'prof-b@example.com')
    assert httpx.get(api + '/api/v1/submissions/%d' % course_a_submission,
                     headers=token(api, 'prof-b@example.com')).status_code == 404
    # the attack: enrol Sam in course B by e-mail, issue a new password, sign in as Sam, read course A's work
    page = import_roster(prof, csrf, 'b-hw', 'email,name,role\nstudent@example.com,Mallory,student\n')
    sam_id = user_row(service_env, 'student@example.com').id
    status, password, text = reset(prof, csrf, 'b-hw', sam_id)
    if password is not None:
        stolen = httpx.get(api + '/api/v1/submissions/%d' % course_a_submission,
                           headers=token(api, 'student@example.com', password))
        pytest.fail('the instructor of course B took over student@example.com (course A) and read their '
                    'course-A submission: %d %s' % (stolen.status_code, stolen.text[:120]))
    assert status == 403 and 'ask an admin' in text
    history = prof.get('/instructor/assignments/b-hw/students/%d' % sam_id).text
    assert 'Issue a new password' not in history and 'ask an admin' in history
    # Sam keeps their password, their sessions, their name; the import said the account already existed
    assert httpx.get(api + '/api/v1/submissions/%d' % course_a_submission, headers=sam).status_code == 200
    browser_like(api, 'student@example.com', 'demo')
    assert user_row(service_env, 'student@example.com').name == 'Sam Student'
    assert '1 already had an account' in page
    with sessions(service_env)() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == 'roster import')).one()
        assert event.detail.endswith('; 1 already had an account')
        refused = session.scalars(select(AuditEvent).where(AuditEvent.action == 'password reset refused')).one()
        assert refused.subject_id == sam_id and 'ask an admin' in refused.detail
    # an admin always can (the CLI, and the page of any course)
    add_account(service_env, 'root@example.com', role='admin')
    admin, admin_csrf = browser_like(api, 'root@example.com')
    status, password, _ = reset(admin, admin_csrf, 'b-hw', sam_id)
    assert status == 200 and password
    browser_like(api, 'student@example.com', password)


def test_only_the_instructors_of_the_course_that_made_an_account_reset_it_and_only_while_it_stays_there(
        api, service_env):
    course_b(service_env)
    prof, csrf = browser_like(api, 'prof-b@example.com')
    page = import_roster(prof, csrf, 'b-hw', 'email,name\nnewbie@example.com,New Bie\n')
    first = re.search(r'<td>newbie@example.com</td><td><code>([^<]+)</code>', page).group(1)
    newbie = user_row(service_env, 'newbie@example.com')
    status, password, _ = reset(prof, csrf, 'b-hw', newbie.id)         # made by course B: B's instructors may
    assert status == 200 and password and password != first
    # course A's instructor enrols the same person before they replaced the password B was shown: A is shown a
    # new one (B's stops working); the account is enrolled in both, so neither instructor resets it any more
    ada, ada_csrf = browser_like(api, 'instructor@example.com')
    page = import_roster(ada, ada_csrf, 'convnet', 'email\nnewbie@example.com\n')
    given = re.search(r'<td>newbie@example.com</td><td><code>([^<]+)</code>', page).group(1)
    assert '1 existing accounts were given a new password' in page
    assert httpx.post(api + '/api/v1/auth/token', data={'username': 'newbie@example.com',
                                                        'password': password}).status_code == 401
    browser_like(api, 'newbie@example.com', given)
    status, issued, text = reset(ada, ada_csrf, 'convnet', newbie.id)
    assert status == 403 and issued is None and 'ask an admin' in text
    status, issued, text = reset(prof, csrf, 'b-hw', newbie.id)
    assert status == 403 and issued is None and 'ask an admin' in text
    out, err = io.StringIO(), io.StringIO()
    assert admin_main(['set-password', 'newbie@example.com'], out, err, service_env['AG_DATABASE_URL']) == 0
    browser_like(api, 'newbie@example.com', out.getvalue().strip().split(',')[1])


def signs_in(api, email, password):
    return httpx.post(api + '/api/v1/auth/token', data={'username': email, 'password': password}).status_code == 200


def test_an_account_made_ahead_by_another_course_opens_nothing_elsewhere(api, service_env):
    """Red-team pass: course B's instructor imports addresses nobody uses yet (next term's student, a future
    instructor) and keeps the passwords shown; when course A or the operator enrols those addresses, the
    passwords B was shown stop working and the new ones go to A's instructor or the operator."""
    course_b(service_env)
    prof, csrf = browser_like(api, 'prof-b@example.com')
    page = import_roster(prof, csrf, 'b-hw', 'email\nfuture.student@example.com\nnew.prof@example.com\n')
    shown = dict(re.findall(r'<td>([^<]+@example.com)</td><td><code>([^<]+)</code>', page))
    assert sorted(shown) == ['future.student@example.com', 'new.prof@example.com']
    out, err = io.StringIO(), io.StringIO()
    assert admin_main(['add-course', 'cv-2027', 'Computer vision', '--instructor', 'new.prof@example.com'], out, err,
                      service_env['AG_DATABASE_URL']) == 0
    email, operator_password = out.getvalue().strip().split(',')
    assert email == 'new.prof@example.com' and '1 existing accounts given a new password' in err.getvalue()
    assert not signs_in(api, 'new.prof@example.com', shown['new.prof@example.com'])
    assert signs_in(api, 'new.prof@example.com', operator_password)
    ada, ada_csrf = browser_like(api, 'instructor@example.com')
    page = import_roster(ada, ada_csrf, 'convnet', 'email\nfuture.student@example.com\n')
    given = re.search(r'<td>future.student@example.com</td><td><code>([^<]+)</code>', page).group(1)
    assert not signs_in(api, 'future.student@example.com', shown['future.student@example.com'])
    assert signs_in(api, 'future.student@example.com', given)
    # a holder who replaced the password B was shown keeps it: enrolled as they are
    sam = token(api, 'future.student@example.com', given)
    r = httpx.post(api + '/api/v1/auth/password', headers=sam,
                   json={'current_password': given, 'new_password': 'my own secret 42'})
    assert r.status_code == 204, r.text
    page = import_roster(prof, csrf, 'b-hw', 'email\nfuture.student@example.com\n')
    assert 'given a new password' not in page
    assert signs_in(api, 'future.student@example.com', 'my own secret 42')


def test_accounts_without_a_home_course_or_that_teach_are_reset_by_admins_only(api, service_env):
    course_b(service_env)
    loner = add_account(service_env, 'loner@example.com')              # e.g. add-user: the operator made it
    prof, csrf = browser_like(api, 'prof-b@example.com')
    import_roster(prof, csrf, 'b-hw', 'email,role\nloner@example.com,student\ninstructor@example.com,student\n')
    assert reset(prof, csrf, 'b-hw', loner)[0] == 403
    ada = user_row(service_env, 'instructor@example.com')
    status, issued, text = reset(prof, csrf, 'b-hw', ada.id)
    assert status == 403 and issued is None and 'ask an admin' in text
    assert ada.role == 'instructor'                                    # its role and password are untouched
    browser_like(api, 'instructor@example.com', 'demo')
    # B's instructor made a student of course A a teaching assistant of B: A's instructor no longer resets them
    teacher, teacher_csrf = browser_like(api, 'instructor@example.com')
    kim = user_row(service_env, 'student2@example.com').id
    assert reset(teacher, teacher_csrf, 'convnet', kim)[0] == 200
    import_roster(prof, csrf, 'b-hw', 'email,role\nstudent2@example.com,instructor\n')
    assert reset(teacher, teacher_csrf, 'convnet', kim)[0] == 403


def old_database(tmp_path, revision, courses, users):
    """(url, engine) of a SQLite database at an earlier revision holding courses [(id, slug)] and users
    [(id, email, role)]."""
    from alembic import command

    from app.core.db import make_engine
    from app.cli.migrate import alembic_config
    url = 'sqlite:///%s' % (tmp_path / 'old.sqlite')
    command.upgrade(alembic_config(url), revision)
    engine = make_engine(url)
    with engine.begin() as conn:
        for cid, slug in courses:
            conn.execute(text("INSERT INTO courses (id, slug, title) VALUES (:id, :slug, :slug)"),
                         {'id': cid, 'slug': slug})
        for uid, email, role in users:
            conn.execute(text("INSERT INTO users (id, email, name, role, password_hash, created_at) "
                              "VALUES (:id, :email, '', :role, 'x', '2026-01-01')"), {'id': uid, 'email': email,
                                                                                     'role': role})
    return url, engine


def test_the_migration_gives_a_home_course_only_to_students_of_exactly_one_course(tmp_path):
    from app.cli.migrate import upgrade
    url, engine = old_database(tmp_path, '0005', [(1, 'a'), (2, 'b')],
                               [(1, 'one@x', 'student'), (2, 'two@x', 'student'), (3, 'ta@x', 'student'),
                                (4, 'none@x', 'student'), (5, 'root@x', 'admin')])
    with engine.begin() as conn:
        for uid, course, role in ((1, 1, 'student'), (2, 1, 'student'), (2, 2, 'student'), (3, 2, 'instructor'),
                                  (5, 1, 'student')):
            conn.execute(text('INSERT INTO memberships (user_id, course_id, role) VALUES (:u, :c, :r)'),
                         {'u': uid, 'c': course, 'r': role})
    upgrade(url)
    with engine.connect() as conn:
        homes = conn.execute(text('SELECT user_id, course_id FROM account_homes')).all()
        assert conn.execute(text('SELECT count(*) FROM memberships')).scalar() == 5
    assert homes == [(1, 1)]
    engine.dispose()


def test_the_migration_counts_a_roster_password_as_shown_until_its_holder_changed_it(tmp_path):
    from app.cli.migrate import upgrade
    url, engine = old_database(tmp_path, '0006', [(1, 'a')], [(uid, '%d@x' % uid, 'student') for uid in (1, 2, 3)])
    with engine.begin() as conn:
        conn.execute(text('INSERT INTO account_homes (user_id, course_id) VALUES (1, 1), (2, 1)'))
        conn.execute(text("INSERT INTO audit_events (at, actor_id, subject_id, action, detail) "
                          "VALUES ('2026-01-02', 2, 2, 'password changed', '')"))
    upgrade(url)
    with engine.connect() as conn:
        issued = conn.execute(text('SELECT user_id, course_id FROM issued_passwords')).all()
    assert issued == [(1, 1)]          # 2 changed their own; 3 has no home course (the operator made it)
    engine.dispose()
