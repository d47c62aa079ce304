"""The admin page for LMS registrations (/admin/lti) in Chromium: a site admin registers the test LMS
(lti1p3platform, its own process), adds a deployment and links its course there, and a student's launch from the
LMS then works; bad URLs and ids get a sentence; the tool's keys rotate. Instructors get 403 and a form without
its CSRF field changes nothing."""
import httpx
from sqlalchemy import func, select

from app.core.models import AuditEvent, User
from app.lti.tables import LtiDeployment, LtiPlatform
from tests.integration.service.helpers import (ADMIN_EMAIL as EMAIL, add_admin, browser_like, register_lms,
                                               sessions, shot, sign_in)
from tests.integration.service.lti_platform import CLIENT_ID, DEPLOYMENT_ID, registered_urls

def test_an_admin_registers_the_lms_on_the_page_and_its_launches_work(lms_server, api, browser, service_env):
    page = sign_in(browser, api, EMAIL, '/admin/lti', add_admin(service_env))
    assert page.locator('#tool-login').inner_text() == api + '/lti/login'
    assert page.locator('#tool-jwks').inner_text() == api + '/lti/jwks'
    kid = page.locator('#tool-kid').inner_text()
    assert page.locator('#tool-pem').inner_text().startswith('-----BEGIN PUBLIC KEY-----')
    assert [k['kid'] for k in httpx.get(api + '/lti/jwks').json()['keys']] == [kid]
    login, token, jwks = registered_urls(lms_server)
    register_lms(page, lms_server, CLIENT_ID, login, token, 'http://lms.example/jwks', DEPLOYMENT_ID)
    assert page.get_by_role('alert').inner_text() == (
        "The JWKS URL 'http://lms.example/jwks' is not an https URL of at most 500 characters.")
    assert page.get_by_label('Issuer', exact=True).input_value() == lms_server          # kept to correct
    register_lms(page, lms_server, ' ', login, token, jwks, DEPLOYMENT_ID)
    assert page.get_by_role('alert').inner_text() == 'The client id must be 1 to 255 printable characters.'
    register_lms(page, lms_server, CLIENT_ID, login, token, jwks, DEPLOYMENT_ID)
    assert page.get_by_role('status').inner_text() == 'Registered %s (client %s).' % (lms_server, CLIENT_ID)
    page.get_by_label('New deployment id').fill('dep-2')
    page.get_by_role('button', name='Add the deployment').click()
    assert page.locator('td.deployments').inner_text() == 'dep-1, dep-2'
    page.locator('#platforms input[name=context_id]').evaluate('(el) => el.removeAttribute("maxlength")')
    page.get_by_label('LMS course (context id)').fill('x' * 256)
    page.get_by_role('button', name='Link the course').click()
    assert page.get_by_role('alert').inner_text() == 'The context id must be 1 to 255 printable characters.'
    page.get_by_label('LMS course (context id)').fill('ctx-1')
    page.get_by_label('Grader course').select_option('demo')
    page.get_by_role('button', name='Link the course').click()
    assert page.locator('td.contexts').inner_text() == 'ctx-1 → demo'
    shot(page, 'lti-admin-page')
    student = browser.new_context().new_page()
    student.goto(lms_server + '/course?user=student')
    student.get_by_role('link', name='Convolutional networks').click()
    student.wait_for_url(api + '/assignments/convnet', timeout=20000)
    page.get_by_role('button', name='Rotate the tool\'s keys').click()
    new_kid = page.locator('#tool-kid').inner_text()
    assert new_kid != kid and [k['kid'] for k in httpx.get(api + '/lti/jwks').json()['keys']] == [new_kid, kid]
    with sessions(service_env)() as session:
        me = session.scalars(select(User.id).where(User.email == EMAIL)).one()
        assert session.execute(select(AuditEvent.action, AuditEvent.actor_id).where(
            AuditEvent.action.like('LTI %')).order_by(AuditEvent.id)).all() == [
            ('LTI platform registered', me), ('LTI deployment added', me), ('LTI course linked', me),
            ('LTI keys rotated', me)]


def test_instructors_get_403_and_forms_without_csrf_change_nothing(api, browser, service_env):
    password = add_admin(service_env)
    page = sign_in(browser, api, 'instructor@example.com', '/')
    response = page.goto(api + '/admin/lti')
    assert response.status == 403 and 'only the site\'s administrators' in page.get_by_role('alert').inner_text()
    form = {'issuer': 'https://lms.example', 'client_id': 'c', 'login_url': 'https://lms.example/a',
            'token_url': 'https://lms.example/t', 'jwks_url': 'https://lms.example/k', 'deployments': 'd'}
    teacher, teacher_csrf = browser_like(api, 'instructor@example.com')
    root, csrf = browser_like(api, EMAIL, password)
    try:
        assert teacher.post('/admin/lti/register', data=dict(form, csrf=teacher_csrf)).status_code == 403
        r = root.post('/admin/lti/register', data=form)                         # no CSRF field
        assert r.status_code == 403 and 'this form has expired' in r.text
        assert root.post('/admin/lti/rotate-keys', data={'csrf': 'f' * 64}).status_code == 403
        with sessions(service_env)() as session:
            assert session.scalar(select(func.count()).select_from(LtiPlatform)) == 0
        r = root.post('/admin/lti/register', data=dict(form, csrf=csrf))
        assert r.status_code == 200 and 'Registered https://lms.example (client c).' in r.text
        r = root.post('/admin/lti/deployment', data={'csrf': csrf, 'platform': '999', 'deployment_id': 'd2'})
        assert r.status_code == 400 and 'No such platform: reload the page.' in r.text
        with sessions(service_env)() as session:
            assert session.scalars(select(LtiDeployment.deployment_id)).all() == ['d']
    finally:
        teacher.close()
        root.close()
