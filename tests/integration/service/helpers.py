"""What the service tests share (imported by name; fixtures stay in conftest.py): accounts and tokens over HTTP,
rows made as a worker would leave them, the broker's queue read back, the admin CLI, the browser's sign-in."""
import io
import os
import re
import socket
import time
from datetime import datetime, timedelta, timezone

import httpx
from sqlalchemy import select

from app.accounts.security import hash_password
from app.cli.admin import main as admin_main
from app.cli.migrate import upgrade
from app.core.db import make_engine, make_sessionmaker
from app.core.models import Assignment, CheckRow, Course, Membership, Submission, User
from app.core.storage import DbStorage
from app.lti.tables import LtiAccount, LtiPlatform
from tests.helpers.paths import ROOT

V1 = '/api/v1'
SHOTS = os.path.join(ROOT, 'artifacts', 'screenshots')
GRADED_S = 180_000                                     # ms: a grading on a busy 2-core machine
UNLABELLED = '''() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea, button'))
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
    .map((el) => el.outerHTML)'''


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def sessions(env):
    """A sessionmaker on the test's database."""
    return make_sessionmaker(make_engine(env['AG_DATABASE_URL']))


def token(base, email, password='demo', timeout=5.0):
    r = httpx.post(base + '/api/v1/auth/token', data={'username': email, 'password': password}, timeout=timeout)
    assert r.status_code == 200, r.text
    assert r.json()['token_type'] == 'bearer'
    return {'Authorization': 'Bearer ' + r.json()['access_token']}


def queued_ids(broker_url, queue='cpu'):
    """Submission ids of the grading messages waiting in a queue of the real broker, oldest first."""
    import base64
    import json

    import redis
    raw = [json.loads(m) for m in reversed(redis.Redis.from_url(broker_url).lrange(queue, 0, -1))]
    return [json.loads(base64.b64decode(m['body']))[0][0] for m in raw        # not the similarity reports'
            if m['headers']['task'] != 'grader.similarity']


def browser_like(base, email, password='demo'):
    """An httpx client signed in through the /login form (cookie), and the page's CSRF token."""
    client = httpx.Client(base_url=base, follow_redirects=True)
    r = client.post('/login', data={'username': email, 'password': password, 'next': '/'})
    assert r.status_code == 200 and str(r.url) == base + '/', r.text[:300]
    return client, re.search(r'name="csrf-token" content="([0-9a-f]+)"', r.text).group(1)


def upload(base, headers, text, slug='convnet', timeout=5.0):
    return httpx.post(base + V1 + '/assignments/%s/submissions' % slug, headers=headers, timeout=timeout,
                      files={'files': ('convolutional_networks.py', text.encode())})


def set_assignment(env, slug='convnet', **values):
    with sessions(env)() as session:
        a = session.scalars(select(Assignment).where(Assignment.slug == slug)).one()
        for k, v in values.items():
            setattr(a, k, v)
        session.commit()


def graded_row(env, email='student@example.com', score=7.5):
    """A graded submission with two check rows (5 + score - 5 points), as a worker would have left it."""
    now = datetime.now(timezone.utc)
    with sessions(env)() as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        a = session.scalars(select(Assignment).where(Assignment.slug == 'convnet')).one()
        sub = Submission(owner_id=user.id, assignment_id=a.id, content_sha256='a' * 64, files=[],
                         status='graded', score=score, max_score=10.0, grader_version='0.1.0', attempts=1,
                         requested_at=now, started_at=now, finished_at=now + timedelta(seconds=4))
        session.add(sub)
        session.flush()
        session.add_all([CheckRow(submission_id=sub.id, check_id='conv_forward', component='conv_forward',
                                  status='passed', score=5.0, max_score=5.0, error=1e-9, threshold=1e-7,
                                  message='rel_error 1.0e-09'),
                         CheckRow(submission_id=sub.id, check_id='conv_backward.dx', component='conv_backward',
                                  status='failed', score=score - 5.0, max_score=5.0, error=0.3, threshold=1e-7,
                                  message='dx: rel_error 3.0e-01 > 1e-07')])
        session.commit()
        return sub.id


def admin(url, *args):
    """(exit status, stdout, stderr) of the CLI's main against the database at url."""
    out, err = io.StringIO(), io.StringIO()
    return admin_main(list(args), out, err, database_url=url), out.getvalue(), err.getvalue()


def add_submission(env, source):
    upgrade(env['AG_DATABASE_URL'])
    Session = make_sessionmaker(make_engine(env['AG_DATABASE_URL']))
    now = datetime.now(timezone.utc)
    with Session() as session:
        digest = DbStorage(session).put(source)      # the default storage (AG_STORAGE=db)
        user = User(email='student@example.com', password_hash=hash_password('demo'), created_at=now)
        course = Course(slug='demo', title='Demo')
        session.add_all([user, course])
        session.flush()
        assignment = Assignment(course_id=course.id, slug='convnet', title='ConvNet', profile='eecs498')
        session.add(assignment)
        session.flush()
        sub = Submission(owner_id=user.id, assignment_id=assignment.id, content_sha256=digest, requested_at=now,
                         files=[{'name': 'convolutional_networks.py', 'sha256': digest, 'size': len(source)}])
        session.add(sub)
        session.commit()
        return Session, sub.id


def member_elsewhere(env, email, role, name='Eli', slug='other'):
    """An account that belongs only to another course (made here), as `role` -> its id."""
    with sessions(env)() as session:
        course = Course(slug=slug, title='Other course')
        user = User(email=email, name=name, role=role, password_hash=hash_password('demo'),
                    created_at=datetime.now(timezone.utc))
        session.add_all([course, user])
        session.flush()
        session.add(Membership(user_id=user.id, course_id=course.id, role=role))
        session.commit()
        return user.id


def wait_for(Session, submission_id, statuses, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with Session() as session:
            sub = session.get(Submission, submission_id)
            if sub.status in statuses:
                return sub
        time.sleep(0.25)
    raise AssertionError('submission %d still %s after %d s' % (submission_id, sub.status, timeout_s))


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, name + '.png'), full_page=True)


def sign_in(browser, base, email, path='/', password='demo'):
    page = browser.new_context(viewport={'width': 1200, 'height': 900}, accept_downloads=True).new_page()
    page.goto(base + path)
    assert '/login' in page.url                        # everyone starts at the sign-in page
    page.get_by_label('E-mail').fill(email)
    page.get_by_label('Password').fill(password)
    page.get_by_role('button', name='Sign in').click()
    page.wait_for_url(base + path)
    return page


def submit(page, base, name, data):
    page.goto(base + '/assignments/convnet')
    page.get_by_label('Choose').set_input_files({'name': name, 'mimeType': 'text/x-python', 'buffer': data})
    page.get_by_role('button', name='Submit for grading').click()
    page.wait_for_url(re.compile(r'.*/submissions/\d+$'))
    return int(page.url.rsplit('/', 1)[1])


def wait_graded(page):
    """The status moves by itself (no reload by the test) until it says graded."""
    page.locator('#status', has_text='graded').wait_for(timeout=GRADED_S)


def launch_from_lms(page, lms, api, user='student', link='Convolutional networks'):
    """The LMS's user clicks the link on the course page of the test LMS (lms fixture) and lands on the grader."""
    page.goto(lms + '/course?user=' + user)
    page.get_by_role('link', name=link).click()
    page.wait_for_url(api + '/assignments/convnet', timeout=20000)


def linked(env, sub, issuer=None):
    """(e-mail, name, roles in courses) of the account linked to the platform's (issuer's, when given) user sub."""
    with sessions(env)() as session:
        query = select(LtiAccount).where(LtiAccount.sub == sub)
        if issuer:
            query = query.join(LtiPlatform, LtiPlatform.id == LtiAccount.platform_id).where(
                LtiPlatform.issuer == issuer)
        link = session.scalars(query).one()
        user = session.get(User, link.user_id)
        roles = session.scalars(select(Membership.role).where(Membership.user_id == user.id)).all()
        return user.email, user.name, roles


ADMIN_EMAIL = 'root@example.com'


def add_admin(env):
    """A site admin account (ADMIN_EMAIL) -> its password."""
    rc, out, err = admin(env['AG_DATABASE_URL'], 'add-user', ADMIN_EMAIL, '--admin')
    assert rc == 0, err
    return out.strip().split(',')[1]


def register_lms(page, issuer, client_id, login, token, jwks, deployments):
    """Fill and send the form that registers an LMS on the admin page /admin/lti."""
    for label, value in (('Name', 'Test LMS'), ('Issuer', issuer), ('Client id', client_id),
                         ('Login (OIDC authorization) URL', login), ('Token URL', token), ('JWKS URL', jwks)):
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label('Deployment ids').fill(deployments)
    page.get_by_role('button', name='Register').click()


def apply_regrade(teacher, profile):
    """On the dashboard: the assignment's profile changed, a regrade previewed, then applied."""
    from playwright.sync_api import expect
    teacher.get_by_label('Profile (course variant)').select_option(profile)
    teacher.get_by_role('button', name='Save settings').click()
    teacher.get_by_role('button', name='Preview a regrade of the whole assignment').click()
    teacher.wait_for_url(re.compile(r'.*/instructor/regrades/\d+$'))
    expect(teacher.locator('#regrade-progress')).to_contain_text('1 of 1 graded aside', timeout=GRADED_S)
    teacher.get_by_role('button', name='Apply the new scores').click()


def wait_until(condition, timeout_s, what, every_s=0.25):
    """condition()'s first true value, asked every every_s; AssertionError naming what after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every_s)
    raise AssertionError('not within %d s: %s' % (timeout_s, what))


def sync_roster(page, api):
    """The convnet dashboard's "Sync roster from the LMS" pressed -> the section's text once the sync is done or
    failed (the page reloaded meanwhile)."""
    page.goto(api + '/instructor/assignments/convnet')
    page.get_by_role('button', name='Sync roster from the LMS').click()
    page.wait_for_url(api + '/instructor/assignments/convnet#lti-roster')

    def finished():
        page.reload()
        return page.locator('#lti-roster .sync-done, #lti-roster .sync-failed').count()
    wait_until(finished, 120, 'the roster sync finished', every_s=0.3)
    return page.locator('#lti-roster').inner_text()
