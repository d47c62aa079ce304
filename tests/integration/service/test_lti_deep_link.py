"""LTI Deep Linking end to end: the teacher adds the grader from the test LMS (lti1p3platform, its own process),
picks an assignment on the grader's page in Chromium, the LMS checks the signed answer and lists the new link, and
a student's launch of it opens that assignment. Then what is refused: a learner's deep linking launch, a return
URL that is not https, and a choosing request reused, expired, or posted by another account."""
import re
import secrets
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

import httpx
import jwt
import pytest
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import func, select

from app.core.models import AuditEvent, Course, User
from app.lti.tables import LtiAccount, LtiDeepLinkRequest, LtiPlatform
from tests.integration.service.helpers import admin, browser_like, sessions
from tests.integration.service.lti_platform import CLIENT_ID, DEPLOYMENT_ID
from tests.integration.service.lti_platform_dl import DATA

LTI = 'https://purl.imsglobal.org/spec/lti/claim/'
DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/'
HW6 = 'Convolutional networks (Deep Vision HW6)'
REFUSED = 'The launch from your LMS was refused'


def count(env, model):
    with sessions(env)() as session:
        return session.scalar(select(func.count()).select_from(model))


def checked_with_tool_jwks(api, token, audience, issuer=CLIENT_ID):
    """The claims of a JWT the tool signed, checked with the key its /lti/jwks publishes under the token's kid."""
    kid = jwt.get_unverified_header(token)['kid']
    jwk = next(k for k in httpx.get(api + '/lti/jwks').json()['keys'] if k['kid'] == kid)
    return jwt.decode(token, RSAAlgorithm.from_jwk(jwk), algorithms=['RS256'], audience=audience, issuer=issuer)


def test_a_teacher_adds_an_assignment_from_the_lms_and_a_student_opens_it(lms, api, browser, service_env):
    page = browser.new_context().new_page()
    page.goto(lms + '/course/add-tool?user=teacher')
    page.get_by_role('link', name='Grader (deep-link)').click()
    page.wait_for_url(re.compile(re.escape(api) + r'/lti/deep-link/[\w-]{43}$'), timeout=20000)
    assert page.get_by_role('heading', level=1).inner_text() == 'Add the grader to your LMS course'
    page.get_by_label(HW6).check()
    with page.expect_request(lms + '/deep-link-return') as posted:
        page.get_by_role('button', name='Add to the LMS').click()
    page.get_by_role('heading', name='Added: ' + HW6).wait_for(timeout=20000)   # the LMS checked the signature
    claims = checked_with_tool_jwks(api, parse_qs(posted.value.post_data)['JWT'][0], audience=lms)
    assert claims[LTI + 'message_type'] == 'LtiDeepLinkingResponse' and claims[LTI + 'version'] == '1.3.0'
    assert claims[LTI + 'deployment_id'] == DEPLOYMENT_ID and claims[DL + 'data'] == DATA and claims['nonce']
    assert claims[DL + 'content_items'] == [{
        'type': 'ltiResourceLink', 'title': HW6, 'url': api + '/lti/launch', 'custom': {'assignment': 'convnet-hw6'},
        'lineItem': {'scoreMaximum': 100.0, 'label': HW6, 'resourceId': 'convnet-hw6'}}]
    assert count(service_env, LtiDeepLinkRequest) == 0                       # used up
    with sessions(service_env)() as session:
        assert session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == 'LTI link added'
    student = browser.new_context().new_page()
    student.goto(lms + '/course?user=student')
    student.get_by_role('link', name=HW6).click()
    student.wait_for_url(api + '/assignments/convnet-hw6', timeout=20000)
    assert student.get_by_role('heading', level=1).inner_text() == HW6


def test_inside_the_lms_frame_the_choice_opens_in_a_new_window(lms, api, browser, service_env):
    """The LMS's "add a tool" dialog frames the grader: the same button as a framed launch opens the choice in a
    window of its own, and the answer posted from there reaches the LMS."""
    page = browser.new_context().new_page()
    page.goto(lms + '/course-framed?user=teacher&link=deep-link')
    button = page.frame_locator('iframe').get_by_role('button', name='Open the grader in a new window')
    button.wait_for(timeout=20000)
    with page.expect_popup() as popup:
        button.click()
    window = popup.value
    window.wait_for_url(re.compile(re.escape(api) + r'/lti/deep-link/[\w-]{43}$'), timeout=20000)
    window.get_by_label(HW6).check()
    window.get_by_role('button', name='Add to the LMS').click()
    window.get_by_role('heading', name='Added: ' + HW6).wait_for(timeout=20000)
    assert count(service_env, LtiDeepLinkRequest) == 0


def test_a_learner_and_a_return_url_without_https_are_refused(lms, api, browser, service_env):
    page = browser.new_context().new_page()
    page.goto(lms + '/course/add-tool?user=student')
    page.get_by_role('link', name='Grader (deep-link)').click()
    page.get_by_role('heading', name=REFUSED).wait_for(timeout=20000)
    assert 'only the course\'s instructors and teaching assistants choose' in page.get_by_role('alert').inner_text()
    assert count(service_env, LtiAccount) == 0 and count(service_env, LtiDeepLinkRequest) == 0
    page.goto(lms + '/course/add-tool?user=teacher')
    page.get_by_role('link', name='Grader (deep-link-insecure)').click()
    page.get_by_role('heading', name=REFUSED).wait_for(timeout=20000)
    assert ("the deep linking return URL 'http://lms.example/deep-link-return' is not an https URL"
            in page.get_by_role('alert').inner_text())
    assert count(service_env, LtiAccount) == 0 and count(service_env, LtiDeepLinkRequest) == 0


@pytest.fixture
def pending(api, service_env):
    """request(email, minutes=30) -> the id of a deep linking request of that account (as a launch keeps it)."""
    url = service_env['AG_DATABASE_URL']
    assert admin(url, 'lti-register', 'https://lms.example', 'client-9', '--login-url', 'https://lms.example/a',
                 '--token-url', 'https://lms.example/t', '--jwks-url', 'https://lms.example/k',
                 '--deployment', 'dep-9')[0] == 0

    def request(email, minutes=30):
        with sessions(service_env)() as session:
            row = LtiDeepLinkRequest(
                id=secrets.token_urlsafe(32), platform_id=session.scalars(select(LtiPlatform.id)).one(),
                deployment_id='dep-9', return_url='https://lms.example/return', data=None,
                course_id=session.scalars(select(Course.id).where(Course.slug == 'demo')).one(),
                user_id=session.scalars(select(User.id).where(User.email == email)).one(),
                expires_at=datetime.now(timezone.utc) + timedelta(minutes=minutes))
            session.add(row)
            session.commit()
            return row.id
    return request


def test_a_choice_is_answered_once_by_its_own_instructor_before_it_expires(api, pending, service_env):
    teacher, csrf = browser_like(api, 'instructor@example.com')
    student, student_csrf = browser_like(api, 'student@example.com')
    try:
        mine = pending('instructor@example.com')
        page = teacher.get('/lti/deep-link/' + mine)
        assert page.status_code == 200 and page.text.count('type="radio"') == 3
        r = student.post('/lti/deep-link/' + mine, data={'csrf': student_csrf, 'assignment': 'convnet'})
        assert r.status_code == 404 and 'unknown or was already sent to your LMS' in r.text
        assert student.get('/lti/deep-link/' + mine).status_code == 404
        r = teacher.post('/lti/deep-link/' + mine, data={'assignment': 'convnet'})              # no CSRF field
        assert r.status_code == 403 and 'this form has expired' in r.text
        r = teacher.post('/lti/deep-link/' + mine, data={'csrf': csrf, 'assignment': 'nope'})
        assert r.status_code == 400 and 'Choose one of the course&#39;s assignments.' in r.text
        assert count(service_env, LtiDeepLinkRequest) == 1                  # none of those used it up
        r = teacher.post('/lti/deep-link/' + mine, data={'csrf': csrf, 'assignment': 'convnet'})
        assert r.status_code == 200 and 'action="https://lms.example/return"' in r.text
        token = re.search(r'name="JWT" value="([^"]+)"', r.text).group(1)
        items = checked_with_tool_jwks(api, token, 'https://lms.example', 'client-9')[DL + 'content_items']
        assert items[0]['custom'] == {'assignment': 'convnet'}
        r = teacher.post('/lti/deep-link/' + mine, data={'csrf': csrf, 'assignment': 'convnet'})  # again
        assert r.status_code == 404 and 'unknown or was already sent to your LMS' in r.text
        late = pending('instructor@example.com', minutes=-1)
        r = teacher.post('/lti/deep-link/' + late, data={'csrf': csrf, 'assignment': 'convnet'})
        assert r.status_code == 410 and 'expired (it is kept 30 minutes)' in r.text
        own = pending('student@example.com')                 # a student's own request (no longer an instructor)
        r = student.post('/lti/deep-link/' + own, data={'csrf': student_csrf, 'assignment': 'convnet'})
        assert r.status_code == 403 and 'only the course&#39;s instructors choose' in r.text
        assert count(service_env, LtiDeepLinkRequest) == 2
    finally:
        teacher.close()
        student.close()
