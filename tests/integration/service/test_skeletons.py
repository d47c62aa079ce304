"""An assignment's course skeleton over real HTTP (uvicorn, SQLite), the pages and python -m app.admin: kept only
when the profile serves every module and name it imports, refused with what and why otherwise (nothing stored),
and only by the course's instructors."""
import httpx
import pytest
from sqlalchemy import select

from app.core.models import Assignment, AuditEvent
from grader.catalog import PROFILES
from tests.integration.service.helpers import admin, browser_like, member_elsewhere, sessions, set_assignment, token, V1
from tests.submissions import variants

pytestmark = pytest.mark.slow
STA_BLOCK = dict(PROFILES['sta9131'].skeleton_imports)['a3_helpers']
STA_SKELETON = variants.from_skeleton('sta9131', STA_BLOCK)
REFUSED = ('profile eecs498 cannot serve what this skeleton imports: line 7: module a3_helpers: no such module in '
           'the sandbox (not one the profile serves, not in the standard library, not installed); line 8: module '
           'common: no such module in the sandbox (not one the profile serves, not in the standard library, not '
           'installed). The profile serves a3_helper, a4_helper, eecs598, fully_connected_networks.')


def put(base, headers, data, slug='convnet'):
    return httpx.put(base + V1 + '/assignments/%s/skeleton' % slug, headers=headers,
                     files={'file': ('convolutional_networks.py', data)})


def stored(env, slug='convnet'):
    with sessions(env)() as session:
        a = session.scalars(select(Assignment).where(Assignment.slug == slug)).one()
        return a.skeleton, a.skeleton_boilerplate, a.profile


def test_rest_refuses_what_the_profile_cannot_serve_and_keeps_what_it_can(api, service_env):
    teacher = token(api, 'instructor@example.com')
    r = put(api, teacher, STA_SKELETON)                               # convnet is eecs498
    assert r.status_code == 422 and r.json() == {'error': REFUSED}
    assert stored(service_env) == (None, None, 'eecs498')
    r = put(api, teacher, b'from fully_connected_networks import sgd_momentum, adamw\n')
    assert r.status_code == 422 and 'fully_connected_networks.adamw: the grader\'s fully_connected_networks ' \
        'does not define adamw' in r.json()['error']
    for data, status, says in ((b'def f(:\n', 422, 'not valid Python: line 1'), (b'\xff\xfe', 422, 'not UTF-8'),
                               (b'#' * (256 * 1024 + 1), 413, 'larger than 262144 bytes')):
        r = put(api, teacher, data)
        assert r.status_code == status and says in r.json()['error'], (data[:10], r.text)
    r = httpx.put(api + V1 + '/assignments/convnet/skeleton', headers=teacher, data={'file': 'text'})
    assert r.status_code == 422 and 'multipart field "file"' in r.json()['error']
    assert stored(service_env) == (None, None, 'eecs498')
    assert httpx.get(api + V1 + '/assignments/convnet/skeleton', headers=teacher).status_code == 404

    r = put(api, teacher, STA_SKELETON, 'convnet-sta9131')
    assert r.status_code == 200, r.text
    body = r.json()
    assert body['bytes'] == len(STA_SKELETON) and len(body['sha256']) == 64
    assert {'line': 8, 'module': 'common', 'names': ['Solver']} in body['imports'] and body['unserved'] == []
    text, spans, profile = stored(service_env, 'convnet-sta9131')
    assert text.encode() == STA_SKELETON and spans == body['boilerplate'] and spans[0][0] == 1
    r = httpx.get(api + V1 + '/assignments/convnet-sta9131/skeleton', headers=teacher)
    assert r.status_code == 200 and r.content == STA_SKELETON
    assert r.headers['content-disposition'].startswith('attachment') and 'sandbox' in r.headers['content-security-policy']
    assert httpx.delete(api + V1 + '/assignments/convnet-sta9131/skeleton', headers=teacher).status_code == 204
    assert stored(service_env, 'convnet-sta9131')[:2] == (None, None)
    with sessions(service_env)() as session:
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ['skeleton set', 'skeleton removed']              # refusals store nothing, not even events


def test_only_the_courses_instructors_set_it(api, service_env):
    member_elsewhere(service_env, 'prof@other.edu', 'instructor', name='P')   # an instructor of another course
    ok = b'import torch\n'
    for email in ('student@example.com', 'prof@other.edu'):
        headers = token(api, email)
        assert put(api, headers, ok).status_code == 403
        assert httpx.get(api + V1 + '/assignments/convnet/skeleton', headers=headers).status_code == 403
        assert httpx.delete(api + V1 + '/assignments/convnet/skeleton', headers=headers).status_code == 403
    assert put(api, {}, ok).status_code == 401
    assert put(api, token(api, 'instructor@example.com'), ok, 'nope').status_code == 404
    assert stored(service_env) == (None, None, 'eecs498')
    pupil, pupil_csrf = browser_like(api, 'student@example.com')
    r = pupil.post('/instructor/assignments/convnet/skeleton', data={'csrf': pupil_csrf},
                   files={'file': ('s.py', ok)})
    assert r.status_code == 403 and stored(service_env) == (None, None, 'eecs498')


def test_the_dashboard_form_and_a_profile_change_that_would_break_the_skeleton(api, service_env):
    teacher, csrf = browser_like(api, 'instructor@example.com')
    page = '/instructor/assignments/convnet-sta9131'
    assert 'No skeleton stored.' in teacher.get(page).text
    r = teacher.post('/instructor/assignments/convnet/skeleton', data={'csrf': csrf},
                     files={'file': ('convolutional_networks.py', STA_SKELETON)})
    assert r.status_code == 422 and 'line 7: module a3_helpers: no such module in the sandbox' in r.text
    assert stored(service_env)[0] is None
    r = teacher.post(page + '/skeleton', data={'csrf': 'forged'}, files={'file': ('s.py', STA_SKELETON)})
    assert r.status_code == 403 and stored(service_env, 'convnet-sta9131')[0] is None
    r = teacher.post(page + '/skeleton', data={'csrf': csrf}, files={'file': ('s.py', STA_SKELETON)})
    assert r.status_code == 200 and 'Skeleton saved.' in r.text and '<code>fully_connected_networks</code>' in r.text
    assert stored(service_env, 'convnet-sta9131')[0].encode() == STA_SKELETON
    # the profile cannot move to one that does not serve the stored skeleton; the other settings stay too
    form = {'csrf': csrf, 'title': 'Changed', 'profile': 'eecs498', 'late_penalty_percent': '10'}
    r = teacher.post(page + '/settings', data=form)
    assert 'the assignment keeps its skeleton: profile eecs498 cannot serve what this skeleton imports: line 7' in r.text
    with sessions(service_env)() as session:
        a = session.scalars(select(Assignment).where(Assignment.slug == 'convnet-sta9131')).one()
        assert (a.profile, a.title) == ('sta9131', 'Convolutional networks (STA9131)')
    r = teacher.post(page + '/skeleton/remove', data={'csrf': csrf})
    assert r.status_code == 200 and 'Skeleton removed.' in r.text
    assert teacher.post(page + '/settings', data=form).status_code == 200
    assert stored(service_env, 'convnet-sta9131')[2] == 'eecs498'
    # a skeleton stored before the grader changed what a profile serves is flagged on the dashboard
    set_assignment(service_env, 'convnet-sta9131', skeleton=STA_SKELETON.decode(), skeleton_boilerplate=[])
    assert 'The profile no longer serves what the stored skeleton imports: line 7: module a3_helpers' in \
        teacher.get(page).text


def test_the_cli_sets_or_refuses_a_skeleton(tmp_path):
    from app.cli.migrate import upgrade
    url = 'sqlite:///%s' % (tmp_path / 'grader.sqlite')
    upgrade(url)
    assert admin(url, 'add-course', 'c', 'Course')[0] == 0
    assert admin(url, 'add-assignment', 'c', 'hw', 'HW', '--profile', 'eecs498')[0] == 0
    path = tmp_path / 'convolutional_networks.py'
    path.write_bytes(STA_SKELETON)
    status, out, err = admin(url, 'set-skeleton', 'hw', str(path))
    assert (status, out, err) == (2, '', 'error: %s\n' % REFUSED)
    assert stored({'AG_DATABASE_URL': url}, 'hw')[0] is None
    assert admin(url, 'set-skeleton', 'hw', str(tmp_path / 'missing.py'))[::2] == (
        2, 'error: %s: No such file or directory\n' % (tmp_path / 'missing.py'))
    assert admin(url, 'set-skeleton', 'nope', str(path))[::2] == (2, 'error: no assignment nope\n')
    path.write_bytes(variants.from_skeleton('eecs498', dict(PROFILES['eecs498'].skeleton_imports)['2020']))
    status, out, err = admin(url, 'set-skeleton', 'hw', str(path))
    assert (status, out) == (0, '') and 'skeleton of hw saved (5 imports, profile eecs498 serves them all)' in err
    assert stored({'AG_DATABASE_URL': url}, 'hw')[0].encode() == path.read_bytes()
    assert admin(url, 'set-skeleton', 'hw')[::2] == (2, 'error: give the skeleton FILE, or --remove\n')
    assert admin(url, 'set-skeleton', 'hw', '--remove')[0] == 0
    assert stored({'AG_DATABASE_URL': url}, 'hw')[0] is None


@pytest.fixture(params=['sqlite', 'postgresql'])
def empty_db(request, tmp_path):
    if request.param == 'sqlite':
        return 'sqlite:///%s' % (tmp_path / 'old.sqlite')
    return request.getfixturevalue('fresh_postgres')


def test_migration_0008_adds_empty_skeletons_and_goes_back(empty_db):
    from alembic import command
    from sqlalchemy import text

    from app.core.db import make_engine
    from app.cli.migrate import alembic_config, upgrade
    command.upgrade(alembic_config(empty_db), '0007')
    engine = make_engine(empty_db)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO courses (id, slug, title) VALUES (1, 'c', 'C')"))
        conn.execute(text("INSERT INTO assignments (course_id, slug, title, profile, late_penalty, "
                          "rate_limit_per_hour, rate_limit_burst, details_after_due, training_checks, device, "
                          "leaderboard) VALUES (1, 'hw', 'HW', 'sta9131', 0, 10, 5, false, true, 'cpu', false)"))
    upgrade(empty_db)
    with sessions({'AG_DATABASE_URL': empty_db})() as session:
        a = session.scalars(select(Assignment)).one()
        assert (a.slug, a.skeleton, a.skeleton_boilerplate) == ('hw', None, None)
        a.skeleton, a.skeleton_boilerplate = STA_SKELETON.decode(), [[1, 9]]
        session.commit()
    with sessions({'AG_DATABASE_URL': empty_db})() as session:
        a = session.scalars(select(Assignment)).one()
        assert a.skeleton.encode() == STA_SKELETON and a.skeleton_boilerplate == [[1, 9]]
    command.downgrade(alembic_config(empty_db), '0007')
    with engine.connect() as conn:
        assert conn.execute(text('SELECT slug FROM assignments')).scalars().all() == ['hw']
    engine.dispose()
