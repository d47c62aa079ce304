"""Red-team pass: an address with a slash was accepted (`../../../../tmp/pwn@x.org`), and the Gradescope zip
names its folders after addresses: unzipped, it wrote outside the target folder."""
import pytest

from app.courses.roster import parse_email


@pytest.mark.parametrize('text', ['../../../../tmp/pwn@x.org', 'a\\b@x.org', 'tab\there@x.org', 'nul\x00@x.org',
                                  'bidi\u202e@x.org', 'a,b@x.org', 'no-at.example', 'x' * 250 + '@x.org'])
def test_addresses_that_are_no_addresses_are_refused(text):
    with pytest.raises(ValueError):
        parse_email(text)


def test_real_addresses_pass():
    assert parse_email('  Ada.Lovelace+cv@Uni.EDU ') == 'ada.lovelace+cv@uni.edu'
