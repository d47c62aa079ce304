"""The submission page while it waits and while it runs, in a real browser (Debian's Chromium via Playwright) on the
real stack: the queue sentence, then the checks as they are decided, before the training checks finish."""
import re

import pytest

from tests.helpers.paths import read_submission
from tests.integration.service.helpers import graded_row, shot, sign_in, token, upload

pytestmark = pytest.mark.slow


def submit(page, base, data):
    page.goto(base + '/assignments/convnet')
    page.get_by_label('Choose').set_input_files({'name': 'convolutional_networks.py', 'mimeType': 'text/x-python',
                                                 'buffer': data})
    page.get_by_role('button', name='Submit for grading').click()
    page.wait_for_url(re.compile(r'.*/submissions/\d+$'))


def test_checks_appear_before_the_training_checks_finish(browser, api, celery_worker):
    from playwright.sync_api import expect
    page = sign_in(browser, api, 'student@example.com', '/assignments/convnet')
    celery_worker()
    submit(page, api, read_submission('correct_vectorized'))
    progress = page.locator('#progress')
    expect(progress).to_contain_text('still running:', timeout=120_000)
    expect(progress).to_contain_text('create_convolutional_solver_instance')   # the training check, to come
    expect(page.locator('#status')).to_have_text('running')
    first = page.locator('#results details.component').first   # a component's table, folded when all passed
    expect(first).to_be_visible()
    expect(first).to_contain_text('all passed')
    expect(page.locator('#results tr.passed').first).to_be_attached()
    expect(page.locator('#score')).to_have_count(0)           # no score until the report is whole
    shot(page, 'submission-running')
    page.locator('#status', has_text='graded').wait_for(timeout=300_000)
    expect(page.locator('#score')).to_have_text('100 / 100')
    expect(page.locator('#progress')).to_have_count(0)


def test_the_queue_sentence_while_queued_updates_by_itself(browser, api, service_env):
    from playwright.sync_api import expect
    ahead = upload(api, token(api, 'student2@example.com'), read_submission('correct_naive').decode())
    assert ahead.status_code == 202
    page = sign_in(browser, api, 'student@example.com', '/assignments/convnet')
    submit(page, api, read_submission('correct_vectorized'))    # no worker: it stays queued
    wait = page.locator('#wait')
    expect(wait).to_have_text('Position 2 in the queue; no recent gradings to estimate the wait from.')
    graded_row(service_env)                                      # a grading of 4 s seen: an estimate now
    expect(wait).to_contain_text('Position 2 in the queue; grading should start in about 4 s', timeout=15_000)
    shot(page, 'submission-queued')
