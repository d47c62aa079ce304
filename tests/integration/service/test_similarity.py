"""The similarity pages over real HTTP and in a browser: a renamed copy among independent files is listed,
the two files open side by side with the copied lines marked; students get 403."""
import re

import pytest

from tests.integration.service.helpers import browser_like, sessions, shot, sign_in, token, upload
from tests.unit.app.similarity_class import renamed, student

pytestmark = pytest.mark.slow


def class_with_a_copy(api, service_env):
    """Six students' files (the demo's two plus four made here), the last a renamed copy of Sam's."""
    from datetime import datetime, timezone

    from sqlalchemy import select

    from app.core.models import Course, Membership, User
    from app.accounts.security import hash_password
    with sessions(service_env)() as session:
        course = session.scalars(select(Course).where(Course.slug == 'demo')).one()
        for i in range(4):
            user = User(email='s%d@example.com' % i, password_hash=hash_password('demo'),
                        created_at=datetime.now(timezone.utc))
            session.add(user)
            session.flush()
            session.add(Membership(user_id=user.id, course_id=course.id, role='student'))
        session.commit()
    ids = {'student@example.com': upload(api, token(api, 'student@example.com'), student(10)).json()['id'],
           'student2@example.com': upload(api, token(api, 'student2@example.com'), student(11)).json()['id']}
    for i in range(3):
        ids['s%d@example.com' % i] = upload(api, token(api, 's%d@example.com' % i), student(20 + i)).json()['id']
    copy = renamed(student(10)).replace('# my own work', '# my own work <script>alert(1)</script>')
    ids['s3@example.com'] = upload(api, token(api, 's3@example.com'), copy).json()['id']
    return ids


def test_the_copy_is_listed_and_compared_line_by_line(api, service_env, browser):
    from playwright.sync_api import expect
    ids = class_with_a_copy(api, service_env)
    teacher, _ = browser_like(api, 'instructor@example.com')
    page = teacher.get('/instructor/assignments/convnet/similarity').text
    rows = re.findall(r'<tr><td>(\d+) %</td><td>([^<]+)</td><td>([^<]+)</td>', page)
    assert [(a, b) for _, a, b in rows] == [('student@example.com', 's3@example.com')] and int(rows[0][0]) > 90
    assert '6 students' in page
    pupil, _ = browser_like(api, 'student@example.com')
    assert pupil.get('/instructor/assignments/convnet/similarity').status_code == 403
    compare = '/instructor/assignments/convnet/similarity/%d/%d' % (ids['student@example.com'], ids['s3@example.com'])
    assert pupil.get(compare).status_code == 403
    shown = teacher.get(compare).text
    assert '<script>alert(1)' not in shown and '&lt;script&gt;alert(1)&lt;/script&gt;' in shown   # escaped
    assert teacher.get('/instructor/assignments/convnet/similarity/%d/999999' % ids['s3@example.com']
                       ).status_code == 404
    view = sign_in(browser, api, 'instructor@example.com', '/instructor/assignments/convnet')
    view.get_by_role('link', name='Similar submissions').click()
    view.get_by_role('link', name=re.compile('compare')).click()
    columns = view.locator('pre.source')
    expect(columns).to_have_count(2)
    for i in range(2):                                                   # the copied body, on both sides
        expect(columns.nth(i).locator('span.shared').first).to_contain_text('v')
    assert view.locator('span.shared').count() >= 60 and 'my own work' in columns.nth(1).inner_text()
    shot(view, 'instructor-similarity-compare')


def test_a_huge_file_costs_the_compare_page_little(api, service_env):
    """Red-team pass: two uploads of 2 MB of empty lines made a 218 MB compare page in 47 s."""
    ids = []
    for email in ('student@example.com', 'student2@example.com'):
        r = upload(api, token(api, email), 'x = 1\n' + '\n' * (2_000_000 - 6))
        assert r.status_code == 202, r.text
        ids.append(r.json()['id'])
    client, _ = browser_like(api, 'instructor@example.com')
    r = client.get('/instructor/assignments/convnet/similarity/%d/%d' % tuple(ids), timeout=120)  # a busy machine
    assert r.status_code == 200 and len(r.content) < 2_000_000
    assert int(re.search(r'(\d+) more lines not shown', r.text).group(1)) > 1_990_000
