"""LTI 1.3 end to end: a real platform implementation (lti1p3platform, tests/integration/service/lti_platform.py)
in its own process, the service under uvicorn, Chromium between them. The LMS is at http://localhost:P and the
grader at http://127.0.0.1:T, so every launch crosses sites as it does between a real LMS and the grader (the
lms fixture: tests/integration/service/conftest.py)."""
import os

from tests.integration.service.helpers import SHOTS, launch_from_lms, linked


def test_a_student_launch_from_the_lms_opens_the_assignment(lms, api, browser, service_env):
    page = browser.new_context().new_page()
    launch_from_lms(page, lms, api, 'student')
    assert page.get_by_role('heading', level=1).inner_text() == 'Convolutional networks (EECS 498)'
    assert page.locator('input[type=file]').count() == 1                      # the upload area
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, 'lti-student-launch.png'))
    email, name, roles = linked(service_env, 'lms-student-1')
    assert email.endswith('.lti.invalid') and name == 'Sam Learner' and roles == ['student']
    assert page.get_by_role('link', name='Sam Learner').count() == 1          # signed in, named as in the LMS
    launch_from_lms(page, lms, api, 'teacher')                    # the same browser, now the LMS's teacher
    assert linked(service_env, 'lms-teacher-1')[2] == ['instructor']


def test_inside_an_lms_frame_the_grader_opens_in_a_new_window(lms, api, browser, service_env):
    page = browser.new_context().new_page()
    page.goto(lms + '/course-framed?user=student')
    frame = page.frame_locator('iframe')
    button = frame.get_by_role('button', name='Open the grader in a new window')
    button.wait_for(timeout=20000)
    with page.expect_popup() as popup:
        button.click()
    window = popup.value
    window.wait_for_url(api + '/assignments/convnet', timeout=20000)
    assert window.get_by_role('heading', level=1).inner_text() == 'Convolutional networks (EECS 498)'
    assert linked(service_env, 'lms-student-1')[2] == ['student']
