"""The pages in a real browser (Debian's Chromium, headless, driven by Playwright) against the real stack:
uvicorn, a Celery worker, Redis, SQLite and the strict sandbox. Screenshots go to artifacts/screenshots/."""
import csv
import io
import re

import pytest

from tests.helpers.paths import read_submission
from tests.integration.service.helpers import GRADED_S, UNLABELLED, graded_row, set_assignment, shot, \
    sign_in, submit, wait_graded
from tests.submissions import bugs, contract

pytestmark = pytest.mark.slow




def test_student_uploads_watches_grading_and_reads_feedback_then_instructor_dashboard(browser, site):
    from playwright.sync_api import expect
    page = sign_in(browser, site, 'student@example.com', '/assignments/convnet')
    expect(page.locator('.rules')).to_contain_text('5 more right now')
    # client-side checks answer before anything is sent
    page.get_by_label('Choose').set_input_files({'name': 'notes.txt', 'mimeType': 'text/plain', 'buffer': b'x'})
    expect(page.locator('#upload-error')).to_have_text(re.compile(r'notes\.txt is not an allowed file'))
    shot(page, 'student-assignment')
    # a server-side refusal shows inline too
    page.get_by_label('Choose').set_input_files({'name': 'convolutional_networks.py', 'mimeType': 'text/x-python',
                                                 'buffer': b'x = "\xff"\n'})
    page.get_by_role('button', name='Submit for grading').click()
    expect(page.locator('#upload-error')).to_contain_text('is not UTF-8 text')

    good = submit(page, site, 'convolutional_networks.py', read_submission('correct_vectorized'))
    expect(page.locator('#status')).to_have_text(re.compile('queued|running|graded'))
    wait_graded(page)
    expect(page.locator('#score')).to_have_text('92 / 92')

    bug = next(b for b in bugs.BUGS if b.id == 'conv_fwd_bias_added_twice')
    buggy = submit(page, site, 'convolutional_networks.py', bugs.apply(bug))
    wait_graded(page)
    failing = page.locator('tr[id="check-conv_forward.s2_p1_notebook"]')
    expect(failing).to_have_class('failed')
    expect(failing).to_contain_text('stride 2, pad 1, linspace inputs (notebook)')
    expect(failing.locator('td.message')).to_contain_text('out: rel_error')
    expect(page.locator('#failing')).to_contain_text('conv_forward.s2_p1_notebook')
    expect(failing.locator('td').nth(4)).to_have_text(re.compile(r'rel_error \d\.\de[-+]\d\d > 1e-07'))
    score = float(page.locator('#score').inner_text().split(' / ')[0])
    assert score < 92
    with page.expect_download() as download:                          # the file as graded, downloaded
        page.get_by_role('link', name='The graded file').click()
    assert open(download.value.path(), 'rb').read() == bugs.apply(bug)
    shot(page, 'student-feedback')
    page.goto(site + '/assignments/convnet')
    expect(page.locator('table').last).to_contain_text(str(good))
    expect(page.locator('table').last).to_contain_text(str(buggy))

    # the instructor's dashboard
    teacher = sign_in(browser, site, 'instructor@example.com', '/instructor/assignments/convnet')
    row = teacher.locator('#roster tr[data-email="student@example.com"]')
    expect(row.locator('td').nth(1)).to_have_text('92')
    expect(row.locator('td').nth(2)).to_have_text('%g' % score)
    expect(row.locator('td').nth(3)).to_have_text('2')
    expect(teacher.locator('#roster tr[data-email="student2@example.com"] td').nth(3)).to_have_text('0')
    bars = teacher.locator('#histogram rect.bar')
    counts = [int(bars.nth(i).get_attribute('data-count')) for i in range(bars.count())]
    assert counts == [0] * 9 + [1]                     # one student, best 92 of 92: the top bin
    fwd_bar = teacher.locator('#pass-rates rect[data-check="conv_forward.s2_p1_notebook"]')
    assert (fwd_bar.get_attribute('data-passed'), fwd_bar.get_attribute('data-total')) == ('0', '1')
    pool_bar = teacher.locator('#pass-rates rect[data-check="maxpool_forward.2x2_s2_notebook_linspace"]')
    assert (pool_bar.get_attribute('data-passed'), pool_bar.get_attribute('data-total')) == ('1', '1')
    first = teacher.locator('#pass-rates rect').first          # the most failed check comes first
    assert first.get_attribute('data-passed') == '0'
    teacher.get_by_label('Filter by name or e-mail').fill('student2')
    expect(teacher.locator('#roster-count')).to_have_text('1 shown')
    teacher.get_by_label('Filter by name or e-mail').fill('')
    order = lambda: teacher.locator('#roster tbody tr').evaluate_all(  # noqa: E731
        'rows => rows.map(r => r.dataset.email)')
    teacher.get_by_role('button', name='Best').click()
    assert order() == ['student2@example.com', 'student@example.com']            # no score sorts lowest
    teacher.get_by_role('button', name='Best').click()
    assert order() == ['student@example.com', 'student2@example.com']
    expect(teacher.locator('th[aria-sort=descending]')).to_have_text('Best')
    shot(teacher, 'instructor-dashboard')
    teacher.get_by_role('link', name='Sam Student').click()
    expect(teacher.locator('table tbody tr')).to_have_count(2)                   # the student's history
    teacher.go_back()

    with teacher.expect_download() as download:
        teacher.locator('#export-csv').click()
    rows = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))
    assert [(r['email'], r['best'], r['latest'], r['submissions']) for r in rows] == [
        ('student2@example.com', '', '', '0'), ('student@example.com', '92.0', '%r' % score, '2')]

    # a regrade under another course variant: previewed, nothing written until applied
    teacher.get_by_label('Profile (course variant)').select_option('deep-vision-hw6')
    teacher.get_by_role('button', name='Save settings').click()
    expect(teacher.locator('#settings')).to_contain_text('Saved.')
    teacher.get_by_role('button', name='Preview a regrade of the whole assignment').click()
    teacher.wait_for_url(re.compile(r'.*/instructor/regrades/\d+$'))
    expect(teacher.locator('#regrade-progress')).to_contain_text('2 of 2 graded aside', timeout=GRADED_S)
    changes = teacher.locator('#changes tbody tr')
    expect(changes).to_have_count(2)
    expect(teacher.locator('#changes tr[data-submission="%d"]' % good)).to_contain_text('→')
    shot(teacher, 'instructor-regrade-preview')
    student_view = page.goto(site + '/submissions/%d' % good)
    assert student_view.status == 200
    expect(page.locator('#score')).to_have_text('92 / 92')         # not applied: unchanged
    teacher.get_by_role('button', name='Discard').click()
    expect(teacher.locator('h1')).to_contain_text('discarded')


def test_a_student_cannot_reach_instructor_pages(browser, site):
    from playwright.sync_api import expect
    page = sign_in(browser, site, 'student@example.com')
    expect(page.get_by_role('link', name='Dashboard')).to_have_count(0)
    for path in ('/instructor/assignments/convnet', '/instructor/assignments/convnet/students/1',
                 '/instructor/regrades/1'):
        response = page.goto(site + path)
        assert response.status in (403, 404), path
        expect(page.locator('.error')).to_have_text(re.compile('only the course\'s instructors|no regrade'))
    response = page.goto(site + '/api/v1/assignments/convnet/scores.csv')
    assert response.status == 403
    shot(page, 'student-refused')


def test_a_forgotten_password_replaced_by_the_instructor_then_changed_by_the_student(browser, api):
    from playwright.sync_api import expect
    teacher = sign_in(browser, api, 'instructor@example.com', '/instructor/assignments/convnet')
    teacher.get_by_role('link', name='Sam Student').click()
    teacher.get_by_role('button', name='Issue a new password').click()
    issued = teacher.locator('#new-password').inner_text()
    shot(teacher, 'instructor-new-password')
    page = sign_in(browser, api, 'student@example.com', password=issued)
    page.get_by_role('link', name='student@example.com').click()
    page.get_by_label('Current password').fill(issued)
    page.get_by_label(re.compile(r'^New password \(')).fill('my own long password')
    page.get_by_label('New password again').fill('my own long password!')
    page.get_by_role('button', name='Change password').click()
    expect(page.locator('.error')).to_have_text('the two new passwords differ')
    page.get_by_label('Current password').fill(issued)
    page.get_by_label(re.compile(r'^New password \(')).fill('my own long password')
    page.get_by_label('New password again').fill('my own long password')
    page.get_by_role('button', name='Change password').click()
    expect(page.get_by_role('status')).to_contain_text('Password changed')
    shot(page, 'student-password-changed')
    page.get_by_role('button', name='Sign out').click()
    page.get_by_label('E-mail').fill('student@example.com')
    page.get_by_label('Password').fill('my own long password')
    page.get_by_role('button', name='Sign in').click()
    expect(page.get_by_role('link', name='student@example.com')).to_be_visible()


def test_an_instructor_adds_an_assignment_that_students_then_see(browser, api):
    from playwright.sync_api import expect
    page = sign_in(browser, api, 'instructor@example.com')
    page.get_by_text('New assignment', exact=True).click()
    page.get_by_label('Short name for addresses').fill('convnet')                       # taken
    page.get_by_label('Title').fill('Convnets again')
    page.get_by_role('button', name='Create assignment').click()
    expect(page.get_by_role('alert')).to_have_text("the slug 'convnet' is taken")
    expect(page.get_by_label('Title')).to_have_value('Convnets again')                  # nothing typed is lost
    page.get_by_label('Short name for addresses').fill('convnet-2')
    page.get_by_label('Grading profile').select_option('deep-vision-hw6')
    page.get_by_role('button', name='Create assignment').click()
    page.wait_for_url(api + '/instructor/assignments/convnet-2')
    expect(page.get_by_label('Profile')).to_have_value('deep-vision-hw6')
    shot(page, 'instructor-new-assignment')
    student = sign_in(browser, api, 'student@example.com')
    expect(student.get_by_role('link', name='Convnets again')).to_be_visible()
    expect(student.get_by_text('New assignment', exact=True)).to_have_count(0)                      # students get no form


def test_an_instructor_grants_an_extension_that_the_student_sees(browser, api):
    from playwright.sync_api import expect
    teacher = sign_in(browser, api, 'instructor@example.com', '/instructor/assignments/convnet')
    teacher.get_by_role('link', name='Sam Student').click()
    teacher.get_by_label('Their due date (UTC)').fill('2031-05-04T23:59')
    teacher.get_by_label('Their late due date (UTC, optional)').fill('2031-05-01T23:59')
    teacher.get_by_role('button', name='Grant an extension').click()
    expect(teacher.get_by_role('alert')).to_have_text('the late due date is before the due date')
    expect(teacher.get_by_label('Their due date (UTC)')).to_have_value('2031-05-04T23:59')     # kept
    teacher.get_by_label('Their late due date (UTC, optional)').fill('2031-05-06T23:59')
    teacher.get_by_role('button', name='Grant an extension').click()
    expect(teacher.get_by_role('status')).to_have_text('Extension saved.')
    shot(teacher, 'instructor-extension')
    page = sign_in(browser, api, 'student@example.com', '/assignments/convnet')
    expect(page.locator('.rules')).to_contain_text('2031-05-04 23:59 UTC your extension')
    page.goto(api + '/')
    expect(page.get_by_role('row', name='Convolutional networks (EECS 498)')).to_contain_text(
        '2031-05-04 23:59 UTC your extension')
    other = sign_in(browser, api, 'student2@example.com', '/assignments/convnet')
    expect(other.locator('.rules')).not_to_contain_text('2031-05-04')


def test_pages_work_by_keyboard_on_a_phone_and_show_hidden_checks_as_hidden(browser, api, service_env):
    from playwright.sync_api import expect

    sub_id = graded_row(service_env)
    set_assignment(service_env, details_after_due=True)
    context = browser.new_context(viewport={'width': 375, 'height': 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(api + '/login')
    assert page.evaluate(UNLABELLED) == []
    page.keyboard.press('Tab')                                    # skip link, e-mail, password, button
    for _ in range(4):
        if page.evaluate('document.activeElement.id') == 'username':
            break
        page.keyboard.press('Tab')
    page.keyboard.type('student@example.com')
    page.keyboard.press('Tab')
    page.keyboard.type('demo')
    page.keyboard.press('Enter')
    page.wait_for_url(api + '/')
    for path in ('/', '/assignments/convnet', '/submissions/%d' % sub_id):
        page.goto(api + path)
        assert page.evaluate(UNLABELLED) == [], path
        assert page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1'), path
    page.goto(api + '/assignments/convnet')
    for _ in range(12):                                           # the file picker is reachable by Tab
        page.keyboard.press('Tab')
        if page.evaluate('document.activeElement.id') == 'files':
            break
    assert page.evaluate('document.activeElement.id') == 'files'
    shot(page, 'student-assignment-phone')
    page.goto(api + '/submissions/%d' % sub_id)
    expect(page.locator('tr.hidden')).to_have_count(2)            # hidden, not missing
    expect(page.locator('tr.hidden').first).to_contain_text('shown after the due date')
    expect(page.locator('#score')).to_have_text('7.5 / 10')
    context.close()


def test_configurations_outside_the_contract_are_shown_as_advisory_notes(browser, site):
    from playwright.sync_api import expect
    page = sign_in(browser, site, 'student@example.com', '/assignments/convnet')
    submit(page, site, 'convolutional_networks.py', contract.asserting_preconditions())
    wait_graded(page)
    expect(page.locator('#score')).to_have_text('92 / 92')              # asserting the skeleton's formula costs nothing
    expect(page.locator('#failing')).to_have_count(0)
    expect(page.locator('#advisory')).to_contain_text("outside the assignment's contract")
    note = page.locator('tr[id="check-conv_forward.s2_p0_uneven"]')
    expect(note).to_have_class('advisory')
    expect(note.locator('td').nth(3)).to_have_text('0 / 0')
    expect(note.locator('td.message')).to_contain_text("advisory, 0 points: outside the assignment's contract")
    detail = page.locator('tr[id="detail-conv_forward.s2_p0_uneven"]')     # a long message: full width below
    expect(detail.locator('pre.long-message')).to_contain_text('AssertionError')
    shot(page, 'student-advisory-notes')
