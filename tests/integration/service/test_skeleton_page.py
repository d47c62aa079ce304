"""The dashboard's course skeleton in a real browser (Chromium, Playwright): a handout whose imports the profile
cannot serve is refused with what and why, the right one is kept and listed, and the profile then stays."""
import pytest

from grader.catalog import PROFILES
from tests.integration.service.helpers import shot, sign_in, UNLABELLED
from tests.submissions import variants

pytestmark = pytest.mark.slow


def handout(profile, edition):
    return {'name': 'convolutional_networks.py', 'mimeType': 'text/x-python',
            'buffer': variants.from_skeleton(profile, dict(PROFILES[profile].skeleton_imports)[edition])}


def test_an_instructor_gives_the_assignment_its_skeleton(browser, api):
    from playwright.sync_api import expect
    page = sign_in(browser, api, 'instructor@example.com', '/instructor/assignments/convnet-sta9131')
    section = page.locator('#skeleton')
    expect(section.locator('#skeleton-stored')).to_have_text('No skeleton stored.')
    assert page.evaluate(UNLABELLED) == []
    page.get_by_label('Skeleton file').set_input_files(handout('eecs498', 'WI2022'))
    page.get_by_role('button', name='Check and save the skeleton').click()
    alert = section.get_by_role('alert')
    expect(alert).to_contain_text('profile sta9131 cannot serve what this skeleton imports: line 7: module '
                                  'a3_helper: no such module in the sandbox')
    expect(alert).to_contain_text('The profile serves a3_helpers, common, fully_connected_networks.')
    expect(section.locator('#skeleton-stored')).to_have_text('No skeleton stored.')
    page.get_by_label('Skeleton file').set_input_files(handout('sta9131', 'common.helpers'))
    page.get_by_role('button', name='Check and save the skeleton').click()
    expect(section.get_by_role('status')).to_have_text('Skeleton saved.')
    expect(section.get_by_role('row', name='8 common Solver')).to_be_visible()
    expect(section.get_by_role('row', name='7 common.helpers softmax_loss')).to_be_visible()
    shot(page, 'instructor-skeleton')
    page.get_by_label('Profile (course variant)').select_option('eecs498')
    page.get_by_role('button', name='Save settings').click()
    expect(page.locator('#settings').get_by_role('alert')).to_contain_text(
        'the assignment keeps its skeleton: profile eecs498 cannot serve what this skeleton imports')
    page.reload()
    expect(page.get_by_label('Profile (course variant)')).to_have_value('sta9131')
