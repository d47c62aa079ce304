"""docs/howto-app.md, "How to add a REST route", followed step by step with a throwaway route: the doc stays true."""
import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

import app.main
from app.accounts.access import find_assignment, require_instructor
from app.cli.migrate import upgrade
from app.cli.seed import seed
from app.core.config import Settings
from app.core.db import make_engine, make_sessionmaker
from app.core.errors import Invalid
from app.http.deps import CurrentUser, SessionDep


# Step 1, the rule: a plain function in a domain folder; values in, values out, refusals as domain errors.
def late_penalty_percent(session, user, slug, scale):
    assignment = find_assignment(session, slug)
    require_instructor(session, user, assignment, 'see its late penalty')
    if scale < 1:
        raise Invalid('scale must be at least 1')
    return {'assignment': assignment.slug, 'late_penalty_percent': assignment.late_penalty * 100 * scale}


# Step 2, the route: parse, call, answer (as in app/api/<resource>.py).
router = APIRouter(tags=['howto'])


@router.get('/assignments/{slug}/howto-penalty')
def howto_penalty(slug: str, session: SessionDep, user: CurrentUser, scale: int = 1):
    return late_penalty_percent(session, user, slug, scale)


@pytest.fixture
def client(tmp_path, monkeypatch):
    url = 'sqlite:///%s' % (tmp_path / 'grader.sqlite')
    upgrade(url)
    with make_sessionmaker(make_engine(url))() as session:
        seed(session, 'demo')
    # Step 3, mount it: the router joins API_ROUTERS in app/main.py.
    monkeypatch.setattr(app.main, 'API_ROUTERS', app.main.API_ROUTERS + (router,))
    settings = Settings(database_url=url, storage_dir=str(tmp_path / 'uploads'), broker_url='redis://127.0.0.1:1/0')
    with TestClient(app.main.create_app(settings, send_grading=lambda *a: None, send_preview=lambda *a: None,
                                        send_similarity=lambda *a: None)) as c:
        yield c


def bearer(client, email):
    r = client.post('/api/v1/auth/token', data={'username': email, 'password': 'demo'})
    assert r.status_code == 200, r.text
    return {'Authorization': 'Bearer ' + r.json()['access_token']}


# Step 4, test it.
def test_a_route_added_as_the_howto_says_answers_and_refuses_in_json(client):
    instructor, student = bearer(client, 'instructor@example.com'), bearer(client, 'student@example.com')
    r = client.get('/api/v1/assignments/convnet/howto-penalty', headers=instructor)
    assert r.status_code == 200 and r.json() == {'assignment': 'convnet', 'late_penalty_percent': 10.0}
    r = client.get('/api/v1/assignments/convnet/howto-penalty', params={'scale': 2}, headers=instructor)
    assert r.json()['late_penalty_percent'] == 20.0
    r = client.get('/api/v1/assignments/convnet/howto-penalty', headers=student)
    assert r.status_code == 403 and r.json() == {'error': "only the course's instructors see its late penalty"}
    r = client.get('/api/v1/assignments/nope/howto-penalty', headers=instructor)
    assert r.status_code == 404 and r.json() == {'error': "no assignment 'nope'"}
    r = client.get('/api/v1/assignments/convnet/howto-penalty', params={'scale': 0}, headers=instructor)
    assert r.status_code == 422 and r.json() == {'error': 'scale must be at least 1'}
    r = client.get('/api/v1/assignments/convnet/howto-penalty')
    assert r.status_code == 401 and r.headers['WWW-Authenticate'] == 'Bearer'
    assert '/api/v1/assignments/{slug}/howto-penalty' in client.get('/openapi.json').json()['paths']


def test_the_throwaway_route_is_not_part_of_the_app():
    assert router not in app.main.API_ROUTERS
