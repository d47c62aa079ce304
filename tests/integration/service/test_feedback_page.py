"""Feedback while it grades (issue 16) in a real browser (headless Chromium, Playwright) against uvicorn, a Celery
worker, Redis and the strict sandbox: "since your last upload", a reproducer copied from the page and run against
the student's file, long messages at the table's full width, the page on a phone."""
import os
import re
import subprocess
import sys

import pytest

from grader.catalog import get_profile
from grader.shims import write_shims
from tests.integration.service.helpers import shot, sign_in, submit, wait_graded
from tests.submissions import bugs

pytestmark = pytest.mark.slow
BUG = {b.id: b for b in bugs.BUGS}
KAIMING = ("def kaiming_initializer(Din, Dout, K=None, relu=True, device='cpu',\n"
           "                        dtype=torch.float32):\n")
# an exception with a long message, raised by one kaiming check only (K=4)
RAISE = "  if K == 4:\n    raise ValueError('K = 4: ' + 'this kernel size is not one I wrote the code for; ' * 6)\n"
NOTHING_CUT = '''() => Array.from(document.querySelectorAll('table.checks'))
    .filter((t) => t.scrollWidth > t.parentElement.clientWidth + 1)
    .map((t) => t.closest('details').innerText.slice(0, 40))'''
ERROR_LINE = re.compile(r'(\S+): rel_error (\S+) > (\S+)')


def second_upload():
    """The maxpool backward bug (overlapping windows) and a long error message in kaiming_initializer."""
    text = bugs.apply(BUG['maxpool_bwd_overwrite_not_accumulate']).decode()
    assert text.count(KAIMING) == 1
    return text.replace(KAIMING, KAIMING + RAISE).encode()


def run_locally(tmp_path, source, snippet):
    """What a student does: the copied text saved as repro.py beside their file and the course's helpers."""
    profile = get_profile('eecs498')
    (tmp_path / profile.graded_file).write_bytes(source)
    write_shims(profile.shims, str(tmp_path))
    (tmp_path / 'repro.py').write_text(snippet)
    done = subprocess.run([sys.executable, 'repro.py'], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={'PATH': os.environ.get('PATH', ''), 'OMP_NUM_THREADS': '1'})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def width(locator):
    return locator.bounding_box()['width']


def test_since_last_upload_reproducer_and_long_messages(browser, site, tmp_path):
    from playwright.sync_api import expect
    page = sign_in(browser, site, 'student@example.com', '/assignments/convnet')
    page.context.grant_permissions(['clipboard-read', 'clipboard-write'], origin=site)
    first = submit(page, site, 'convolutional_networks.py', bugs.apply(BUG['conv_bwd_dw_missing_sum_over_n']))
    wait_graded(page)
    expect(page.locator('#since-last')).to_have_count(0)                      # the first upload: nothing to compare
    before = float(page.locator('#score').inner_text().split(' / ')[0])
    source = second_upload()
    second = submit(page, site, 'convolutional_networks.py', source)
    wait_graded(page)
    after = float(page.locator('#score').inner_text().split(' / ')[0])

    # since your last upload: at the top, the score change and the checks that changed both ways
    since = page.locator('#since-last')
    expect(since).to_contain_text('Since your last upload (submission %d)' % first)
    delta = ('%.2f' % (after - before)).rstrip('0').rstrip('.')
    expect(page.locator('#score-change')).to_contain_text('(%s%s)' % ('+' if after > before else '', delta))
    expect(page.locator('#now-passing')).to_contain_text('conv_backward.s1_p1_notebook')
    expect(page.locator('#now-failing')).to_contain_text('maxpool_backward.2x2_s1_overlap')
    expect(page.locator('#now-failing')).to_contain_text('kaiming_initializer.conv_xavier')
    expect(page.locator('#now-failing')).not_to_contain_text('conv_backward')
    assert since.bounding_box()['y'] < page.locator('details.component').first.bounding_box()['y']
    page.locator('#now-failing a', has_text='maxpool_backward.2x2_s1_overlap').click()
    assert page.url.endswith('#check-maxpool_backward.2x2_s1_overlap')
    shot(page, 'student-since-last-upload')

    # copy the reproducer of a failed check; run locally, it prints the error the message gives
    row = page.locator('tr[id="check-maxpool_backward.2x2_s1_overlap"]')
    message = row.locator('td.message').inner_text()
    detail = page.locator('tr[id="detail-maxpool_backward.2x2_s1_overlap"]')
    detail.get_by_text('Reproduce locally').click()
    detail.get_by_role('button', name='Copy the reproducer').click()
    expect(detail.get_by_role('status')).to_have_text('Copied.')
    copied = page.evaluate('navigator.clipboard.readText()')
    assert copied.startswith('# Reproduces maxpool_backward.2x2_s1_overlap') and 'expected' not in copied.split(
        'def report')[0]
    printed = run_locally(tmp_path, source, copied)
    shown = ERROR_LINE.search(message).group(0)                             # 'dx: rel_error 5.0e-01 > 1e-08'
    assert shown in printed, (shown, printed)
    expect(page.locator('tr[id="detail-conv_forward.s1_p0"]')).to_have_count(0)          # passed: none
    expect(page.locator('tr[id="detail-kaiming_initializer.conv_xavier"] pre.repro')).to_have_count(1)  # errored

    # a long message: a short row, the whole text at the table's full width below it
    long_row = page.locator('tr[id="check-kaiming_initializer.conv_xavier"]')
    long_detail = page.locator('tr[id="detail-kaiming_initializer.conv_xavier"]')
    expect(long_row.locator('td.message')).to_contain_text('full message below')
    full = long_detail.locator('pre.long-message')
    expect(full).to_contain_text('this kernel size is not one I wrote the code for; ' * 3)
    table = long_row.locator('xpath=ancestor::table')
    assert width(long_detail.locator('td')) >= 0.97 * width(table)
    shot(page, 'student-long-message')
    assert long_row.bounding_box()['height'] < 150
    assert page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')
    shot(page, 'student-long-message')

    # on a phone: no sideways scrolling, rows stacked, the long message and the copy button usable
    phone = browser.new_context(viewport={'width': 390, 'height': 844}, is_mobile=True, has_touch=True,
                                device_scale_factor=2)
    phone.grant_permissions(['clipboard-read', 'clipboard-write'], origin=site)
    p = phone.new_page()
    p.goto(site + '/submissions/%d' % second)
    p.get_by_label('E-mail').fill('student@example.com')
    p.get_by_label('Password').fill('demo')
    p.get_by_role('button', name='Sign in').click()
    p.wait_for_url(site + '/submissions/%d' % second)
    assert p.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')
    assert p.evaluate(NOTHING_CUT) == []                       # no table wider than its card, scrolled out of sight
    assert p.locator('#since-last').bounding_box()['y'] < 844                             # on the first screen
    p_full = p.locator('tr[id="detail-kaiming_initializer.conv_xavier"] pre.long-message')
    p_full.scroll_into_view_if_needed()
    box = p_full.bounding_box()
    assert box['x'] >= 0 and box['x'] + box['width'] <= 390 and box['width'] >= 0.8 * 390
    p_detail = p.locator('tr[id="detail-maxpool_backward.2x2_s1_overlap"]')
    p_detail.get_by_text('Reproduce locally').tap()
    button = p_detail.get_by_role('button', name='Copy the reproducer')
    button.tap()
    expect(p_detail.get_by_role('status')).to_have_text('Copied.')
    assert p.evaluate('navigator.clipboard.readText()') == copied
    box = button.bounding_box()
    assert box['x'] >= 0 and box['x'] + box['width'] <= 390 and box['height'] >= 40      # a finger-sized target
    assert p.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')
    assert p.evaluate(NOTHING_CUT) == []                       # the open reproducer scrolls inside its own box
    shot(p, 'student-feedback-phone-since-last')
    phone.close()
