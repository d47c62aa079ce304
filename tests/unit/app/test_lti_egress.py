"""LTI service calls reach public hosts only (app.lti.services.check_host): a platform's line item, roster page or
next link naming a private, link-local, reserved or (unless AG_LTI_LOOPBACK) loopback address is refused before
any connection. Only IP literals and localhost are used: no DNS query is made."""
import pytest

from app.core.config import get_settings
from app.lti import services
from tests.helpers.loopback import http_server

REFUSED = ('10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1',
           'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '127.0.0.1', '::1', 'localhost')


@pytest.mark.parametrize('host', REFUSED)
def test_private_and_reserved_addresses_are_refused(host):
    with pytest.raises(services.ServiceError) as refused:
        services.check_host(host, allow_loopback=False)
    assert 'not a public address' in refused.value.message and refused.value.retry is False


@pytest.mark.parametrize('host', ['127.0.0.1', '::1', 'localhost'])
def test_loopback_only_when_allowed(host):
    services.check_host(host, allow_loopback=True)


@pytest.mark.parametrize('host', ['10.0.0.1', '169.254.169.254', '::ffff:192.168.0.1'])
def test_allowing_loopback_allows_nothing_else(host):
    with pytest.raises(services.ServiceError):
        services.check_host(host, allow_loopback=True)


def test_a_public_address_passes():
    services.check_host('93.184.215.14', allow_loopback=False)
    services.check_host('2606:4700:4700::1111', allow_loopback=False)


def test_calls_reach_a_loopback_platform_only_when_allowed(monkeypatch):
    """call() checks the host before connecting: with AG_LTI_LOOPBACK off, the loopback server sees nothing."""
    with http_server({'/lineitems': b'[]'}) as base:
        status, _, body = services.call('GET', base + '/lineitems')       # AG_LTI_LOOPBACK=1 in the tests
        assert (status, body) == (200, b'[]')
        monkeypatch.setattr(get_settings(), 'lti_loopback', False)
        with pytest.raises(services.ServiceError) as refused:
            services.call('GET', base + '/lineitems')
    assert 'not a public address' in refused.value.message
