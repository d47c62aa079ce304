"""python -m app.admin lti-*: registering LMS platforms, linking LMS courses, listing, rotating the tool's keys."""
import os
import subprocess
import sys

from app.cli.migrate import upgrade
from app.cli.seed import seed
from tests.helpers.paths import ROOT
from tests.integration.service.helpers import admin, sessions

ISS = 'https://canvas.example.edu'
URLS = ['--login-url', ISS + '/api/lti/authorize_redirect', '--token-url', ISS + '/login/oauth2/token',
        '--jwks-url', ISS + '/api/lti/security/jwks']


def test_platforms_are_registered_linked_listed_and_keys_rotated(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'grader.sqlite')
    upgrade(url)
    with sessions({'AG_DATABASE_URL': url})() as session:
        seed(session, 'demo')
    rc, out, err = admin(url, 'lti-register', ISS, '10000000000001', *URLS, '--deployment', '1:abc',
                         '--name', 'Canvas', '--default-assignment', 'convnet')
    assert (rc, out, err) == (0, '', 'platform %s (client 10000000000001) registered; 1 deployment ids\n' % ISS)
    rc, _, err = admin(url, 'lti-register', ISS, '10000000000001', *URLS, '--deployment', '2:def')
    assert rc == 0 and err.endswith('updated; 2 deployment ids\n')
    assert admin(url, 'lti-register', ISS, 'other-client', *URLS)[0] == 0
    refusals = [
        (['lti-register', 'http://lms.example', 'c', *URLS], "the issuer 'http://lms.example' is not an https URL"),
        (['lti-register', ISS, 'c', *URLS[:-1], 'file:///etc/passwd'], 'the JWKS URL'),
        (['lti-register', ISS, 'x' * 256, *URLS], 'the client id must be 1 to 255'),
        (['lti-register', ISS, 'c', *URLS, '--default-assignment', 'nope'], 'no assignment nope'),
        (['lti-link-course', ISS, 'ctx-1', 'demo'], 'registered with several client ids: give the client id'),
        (['lti-link-course', ISS, 'ctx-1', 'nope', '--client-id', 'other-client'], 'no course nope'),
        (['lti-link-course', 'https://unknown.example', 'ctx-1', 'demo'], 'no platform https://unknown.example'),
    ]
    for args, words in refusals:
        rc, _, err = admin(url, *args)
        assert rc == 2 and err.startswith('error: ') and words in err, (args, err)
    rc, _, err = admin(url, 'lti-link-course', ISS, 'course_42', 'demo', '--client-id', '10000000000001')
    assert rc == 0 and err == 'launches from %s context course_42 join course demo\n' % ISS
    r = subprocess.run([sys.executable, '-m', 'app.admin', 'lti-list'], cwd=ROOT, capture_output=True, text=True,
                       env=dict(os.environ, AG_DATABASE_URL=url, AG_PUBLIC_URL='https://grader.example.edu'),
                       timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == ('tool: login https://grader.example.edu/lti/login  launch https://grader.example.edu/lti/'
                        'launch  jwks https://grader.example.edu/lti/jwks')
    assert lines[1] == '%s  client 10000000000001  Canvas' % ISS
    assert lines[3:5] == ['  deployments 1:abc, 2:def; default assignment convnet',
                          '  context course_42  -> course demo']
    assert lines[5] == '%s  client other-client  ' % ISS and lines[-1].endswith('  signing')
    rc, out, err = admin(url, 'lti-rotate-keys')
    listing = admin(url, 'lti-list')[1].splitlines()
    assert rc == 0 and listing[-2:] == ['key %s  signing' % out.strip(), lines[-1].replace('signing', 'retired')]
