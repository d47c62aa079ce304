"""The similarity report over real HTTP, a real worker and in a browser: a renamed copy among independent files
is listed, the two files open side by side with the copied lines marked; a copy of an archive file is found and
labelled with its source; students get 403."""
import re
import time

import httpx
import pytest

from tests.helpers.zips import zip_of
from tests.integration.service.helpers import V1, browser_like, sessions, shot, sign_in, token, upload
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


def report_done(api, headers, pairs=1, timeout_s=120):
    """The report once a worker finished it with at least `pairs` pairs (each upload also sends a grading)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = httpx.get(api + V1 + '/assignments/convnet/similarity', headers=headers).json()
        if found['status'] == 'done' and len(found['pairs']) >= pairs:
            return found
        time.sleep(0.5)
    raise AssertionError('the report is still %s' % found)


def test_the_copy_is_listed_and_compared_line_by_line(api, service_env, browser, celery_worker):
    from playwright.sync_api import expect
    ids = class_with_a_copy(api, service_env)
    celery_worker()
    found = report_done(api, token(api, 'instructor@example.com'))
    assert found['students'] == 6 and found['given_from'] == 'class' and 'not proof' in found['note']
    teacher, _ = browser_like(api, 'instructor@example.com')
    page = teacher.get('/instructor/assignments/convnet/similarity').text
    assert 'Up to date' in page and 'not proof of copying' in page
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


def test_a_copy_of_an_archive_file_is_found_and_labelled(api, service_env, browser, celery_worker):
    from playwright.sync_api import expect
    teacher, pupil = token(api, 'instructor@example.com'), token(api, 'student@example.com')
    zipped = zip_of([('2025/s%d/convolutional_networks.py' % i, student(100 + i)) for i in range(3)] +
                         [('github/someone/convolutional_networks.py', student(200)), ('README.md', 'notes')])
    url = api + V1 + '/courses/demo/similarity-archive'
    r = httpx.post(url, headers=pupil, files={'file': ('a.zip', zipped)}, data={'label': 'x'})
    assert r.status_code == 403                                   # students neither add nor see it
    assert httpx.get(url, headers=pupil).status_code == 403
    r = httpx.post(url, headers=teacher, files={'file': ('a.zip', zipped)}, data={'label': ' '})
    assert r.status_code == 422 and 'label' in r.json()['error']  # bad input: a reason, nothing stored
    r = httpx.post(url, headers=teacher, files={'file': ('a.zip', b'PK\x03\x04 not a zip')}, data={'label': 'x'})
    assert r.status_code == 422 and 'not a readable zip' in r.json()['error']
    assert httpx.get(url, headers=teacher).json()['count'] == 0
    r = httpx.post(url, headers=teacher, files={'file': ('a.zip', zipped)}, data={'label': 'EECS 498 fall 2025'})
    assert r.status_code == 201 and r.json() == {'added': 4, 'already_there': 0, 'files': 4}
    listed = httpx.get(url, headers=teacher).json()
    assert listed['count'] == 4 and {f['label'] for f in listed['data']} == {'EECS 498 fall 2025'}
    source = next(f for f in listed['data'] if f['name'].startswith('github'))
    honest = upload(api, pupil, student(10)).json()['id']
    copier = upload(api, token(api, 'student2@example.com'), renamed(student(200))).json()['id']
    celery_worker()
    found = report_done(api, teacher)
    assert [(p['a_sub'], p['archive_file'], p['label'], p['name']) for p in found['pairs']] == [
        (copier, source['id'], 'EECS 498 fall 2025', 'github/someone/convolutional_networks.py')]
    assert found['pairs'][0]['score'] > 0.9 and found['archive_files'] == 4 and honest
    view = sign_in(browser, api, 'instructor@example.com', '/instructor/assignments/convnet/similarity')
    expect(view.locator('#pairs')).to_contain_text('archive: EECS 498 fall 2025 · github/someone/')
    expect(view.locator('#not-proof')).to_contain_text('not proof of copying')
    view.get_by_role('link', name=re.compile('archive')).click()
    columns = view.locator('pre.source')
    expect(columns).to_have_count(2)
    expect(view.get_by_label('archive file %d' % source['id'])).to_contain_text('github/someone')
    assert view.locator('span.shared').count() >= 60
    shot(view, 'instructor-similarity-archive')
    r = httpx.delete(url + '/%d' % source['id'], headers=teacher)
    assert r.status_code == 204 and httpx.get(url, headers=teacher).json()['count'] == 3
    assert report_done(api, teacher, pairs=0)['pairs'] == []


def test_an_instructor_adds_archive_files_from_the_page(api, browser):
    """The archive from the similarity page: a zip and a label added, a bad zip refused with its reason and
    nothing stored, a student refused before the body is read."""
    from playwright.sync_api import expect
    teacher = token(api, 'instructor@example.com')
    url = api + V1 + '/courses/demo/similarity-archive'
    page = sign_in(browser, api, 'instructor@example.com', '/instructor/assignments/convnet/similarity')
    expect(page.locator('#archive')).to_contain_text('Empty')
    page.get_by_label('A zip of .py files').set_input_files(
        files=[{'name': 'bad.zip', 'mimeType': 'application/zip', 'buffer': b'PK\x03\x04 not a zip'}])
    page.get_by_label('Where they come from').fill('EECS 498 fall 2025')
    page.get_by_role('button', name='Add to the archive').click()
    expect(page.locator('#archive-error')).to_contain_text('not a readable zip')
    assert httpx.get(url, headers=teacher).json()['count'] == 0
    zipped = zip_of([('2025/a/convolutional_networks.py', student(1)), ('2025/b/convolutional_networks.py',
                                                                            student(2))])
    page.get_by_label('A zip of .py files').set_input_files(
        files=[{'name': 'past.zip', 'mimeType': 'application/zip', 'buffer': zipped}])
    page.get_by_label('Where they come from').fill('EECS 498 fall 2025')
    page.get_by_role('button', name='Add to the archive').click()
    expect(page.locator('#archive-added')).to_contain_text('Added 2 file(s)')
    expect(page.locator('#archive-labels')).to_contain_text('EECS 498 fall 2025: 2 file(s)')
    shot(page, 'instructor-similarity-archive-form')
    listed = httpx.get(url, headers=teacher).json()
    assert listed['count'] == 2 and {f['label'] for f in listed['data']} == {'EECS 498 fall 2025'}
    pupil, csrf = browser_like(api, 'student@example.com')
    r = pupil.post('/instructor/assignments/convnet/similarity/archive', data={'csrf': csrf, 'label': 'x'},
                   files={'file': ('a.zip', zipped)})
    assert r.status_code == 403 and httpx.get(url, headers=teacher).json()['count'] == 2
