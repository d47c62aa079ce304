"""A course run through the LMS, in one Chromium session, as issue 17 asks: the test LMS (lti1p3platform, its
own process on http://localhost:P) and the grader (uvicorn, a real Celery worker, on http://127.0.0.1:T).

A site admin registers the LMS on /admin/lti and links its course; the LMS's teacher adds the grader by deep
linking and picks the assignment; a student opens the new link, uploads, is graded; the score arrives in the LMS's
gradebook (the column the LMS made for the link); the teacher, signed in by the LMS alone, applies a regrade and the
gradebook follows; the teacher syncs the roster. Then the platform's own tokens, signed for another tool,
expired, with a changed signature or replayed, are refused in the browser with the launch's refusal page."""
from urllib.parse import parse_qs, urlencode

import httpx

from tests.integration.service.helpers import (add_admin, apply_regrade, register_lms, set_assignment, shot,
                                               sign_in, submit, sync_roster, wait_graded, wait_until)
from tests.integration.service.lti_platform import CLIENT_ID, DEPLOYMENT_ID, registered_urls

TITLE = 'Convolutional networks (EECS 498)'
SUB = 'lms-student-1'
REFUSED = 'The launch from your LMS was refused'


def gradebook_row(page, lms, has, timeout_s=60):
    """The text of the student's row of the LMS gradebook once it contains has (the page reloaded meanwhile)."""
    def shown():
        page.goto(lms + '/gradebook')
        row = page.locator('#gradebook tr', has_text=SUB)
        text = row.inner_text() if row.count() else ''
        return text if has in text else ''
    return wait_until(shown, timeout_s, 'the gradebook showing %r' % has, every_s=0.5)


def test_a_course_runs_through_the_lms(lms_server, api, browser, service_env, celery_worker, correct_source):
    from playwright.sync_api import expect
    lms = lms_server
    celery_worker()
    set_assignment(service_env, training_checks=False)

    # registration: a site admin on the grader's admin page
    root = sign_in(browser, api, 'root@example.com', '/admin/lti', add_admin(service_env))
    register_lms(root, lms, CLIENT_ID, *registered_urls(lms), DEPLOYMENT_ID)
    expect(root.get_by_role('status')).to_have_text('Registered %s (client %s).' % (lms, CLIENT_ID))
    root.get_by_label('LMS course (context id)').fill('ctx-1')
    root.get_by_label('Grader course').select_option('demo')
    root.get_by_role('button', name='Link the course').click()
    expect(root.locator('td.contexts')).to_have_text('ctx-1 → demo')

    # deep linking: the LMS's teacher adds the grader and picks the assignment
    teacher = browser.new_context(viewport={'width': 1200, 'height': 900}).new_page()
    teacher.goto(lms + '/course/add-tool?user=teacher')
    teacher.get_by_role('link', name='Grader (deep-link)').click()
    teacher.get_by_label(TITLE).check()
    teacher.get_by_role('button', name='Add to the LMS').click()
    teacher.get_by_role('heading', name='Added: ' + TITLE).wait_for(timeout=20000)
    [column] = httpx.get(lms + '/test/scores', timeout=5).json()['lineitems']     # the LMS made its column
    assert (column['label'], column['resourceId'], column['scoreMaximum']) == (TITLE, 'convnet', 92.0)

    # a student opens the new link, uploads, is graded; the score reaches the LMS's gradebook
    student = browser.new_context().new_page()
    student.goto(lms + '/course?user=student')
    student.get_by_role('link', name=TITLE).click()
    student.wait_for_url(api + '/assignments/convnet', timeout=20000)
    submit(student, api, 'convolutional_networks.py', correct_source)
    wait_graded(student)
    expect(student.locator('#score')).to_have_text('92 / 92')
    gradebook = browser.new_context().new_page()
    assert TITLE in gradebook_row(gradebook, lms, '92/92')
    assert len(httpx.get(lms + '/test/scores', timeout=5).json()['lineitems']) == 1     # the grader made none

    # the teacher, signed in by the LMS (no password), applies a regrade; the gradebook follows
    teacher.goto(api + '/instructor/assignments/convnet')
    expect(teacher.locator('#lti-sent')).to_have_text('1')
    apply_regrade(teacher, 'deep-vision-hw6')
    student.reload()
    given, maximum = (float(x) for x in student.locator('#score').inner_text().split(' / '))
    assert (given, maximum) != (92.0, 92.0)
    gradebook_row(gradebook, lms, '%g/%g' % (given, maximum))
    shot(gradebook, 'lti-course-gradebook')

    # a roster sync brings the LMS's new member
    kai = {'user_id': 'lms-student-2', 'given_name': 'Kai', 'family_name': 'Newman', 'roles': ['Learner']}
    assert httpx.post(lms + '/test/members', json={'add': [kai]}, timeout=5).status_code == 200
    assert '1 added, 0 changed, 0 removed' in sync_roster(teacher, api)
    expect(teacher.locator('#roster')).to_contain_text('Kai Newman')

    # the platform's own id_tokens, meant for another tool, expired, with their signature changed, posted twice
    intruder = browser.new_context().new_page()
    for kind, words in (('aud', 'meant for another tool'), ('expired', 'this launch expired')):
        assert httpx.post(lms + '/test/tamper', params={'kind': kind}, timeout=5).status_code == 200
        intruder.goto(lms + '/course?user=student')
        intruder.get_by_role('link', name=TITLE).click()
        intruder.get_by_role('heading', name=REFUSED).wait_for(timeout=20000)
        expect(intruder.get_by_role('alert')).to_contain_text(words)
    posted = []

    def tamper(route):
        form = {k: v[0] for k, v in parse_qs(route.request.post_data).items()}
        posted.append(dict(form))
        head, body, signature = form['id_token'].split('.')
        form['id_token'] = '.'.join((head, body, ('A' if signature[0] != 'A' else 'B') + signature[1:]))
        route.continue_(post_data=urlencode(form))

    intruder.route(api + '/lti/launch', tamper)
    intruder.goto(lms + '/course?user=student')
    intruder.get_by_role('link', name=TITLE).click()
    intruder.get_by_role('heading', name=REFUSED).wait_for(timeout=20000)
    expect(intruder.get_by_role('alert')).to_contain_text('signature does not match the platform\'s key')
    intruder.unroute(api + '/lti/launch')
    replay = ''.join('<input type="hidden" name="%s" value="%s">' % kv for kv in posted[0].items())
    intruder.set_content('<form method="post" action="%s/lti/launch">%s<button>Replay</button></form>'
                         % (api, replay))
    intruder.get_by_role('button', name='Replay').click()
    intruder.get_by_role('heading', name=REFUSED).wait_for(timeout=20000)
    expect(intruder.get_by_role('alert')).to_contain_text('already used')
