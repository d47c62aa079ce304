"""The NRPS member checks and the Link header's next page (app.lti.nrps), without a platform."""
import httpx
import pytest

from app.lti.nrps import member, next_url

BASE = 'https://lms.example/ctx/1/memberships'


def test_a_member_is_read():
    m = member({'user_id': 'u1', 'given_name': 'Ada', 'family_name': 'Lovelace', 'roles': ['Learner'],
                'email': 'ada@example.edu'})
    assert (m.sub, m.name, m.roles, m.status) == ('u1', 'Ada Lovelace', ('Learner',), 'Active')
    assert member({'user_id': 'u2', 'name': 'Bo', 'roles': [], 'status': 'Deleted'}).status == 'Deleted'


@pytest.mark.parametrize('raw', [
    'u1', None, {'roles': ['Learner']}, {'user_id': '', 'roles': []}, {'user_id': '   ', 'roles': []},
    {'user_id': 'u\n1', 'roles': []}, {'user_id': 'u' * 256, 'roles': []}, {'user_id': 3, 'roles': []},
    {'user_id': 'u1'}, {'user_id': 'u1', 'roles': 'Learner'}, {'user_id': 'u1', 'roles': [1]},
    {'user_id': 'u1', 'roles': ['r'] * 51}, {'user_id': 'u1', 'roles': ['r' * 256]},
    {'user_id': 'u1', 'roles': [], 'status': 'active'}, {'user_id': 'u1', 'roles': [], 'name': 'n' * 201},
    {'user_id': 'u1', 'roles': [], 'given_name': 7}, {'user_id': 'u1', 'roles': [], 'email': 'e' * 255},
    {'user_id': 'u1', 'roles': [], 'email': {}}])
def test_a_bad_member_is_refused(raw):
    with pytest.raises(ValueError):
        member(raw)


@pytest.mark.parametrize('links, found', [
    (['<%s?p=2>; rel="next"' % BASE], BASE + '?p=2'),
    (['<%s?p=1>; rel="prev", <%s?p=3>; rel="next"' % (BASE, BASE)], BASE + '?p=3'),
    (['<%s?p=9>; rel="last"' % BASE, '<?p=4>; rel=next'], BASE + '?p=4'),          # two headers, relative
    (['<%s?p=5>; title="next"; rel="first next"' % BASE], BASE + '?p=5'),
    (['<%s?p=1>; rel="prev"' % BASE], None), ([], None)])
def test_the_next_page(links, found):
    assert next_url(httpx.Headers([('link', v) for v in links]), BASE) == found
