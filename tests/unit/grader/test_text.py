"""Student text is printed on one line with control characters escaped: grader.text and every printer that
uses it (the CLI's table, Gradescope's results.json, check messages, the scores CSV)."""
import csv
import io
import json

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.reports.scores import to_csv
from grader.catalog import get_profile
from grader.engine import zero
from grader.report import CheckResult, Report
from grader.text import lines, one_line

ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=80)
FUZZ = settings(max_examples=300, deadline=None, database=None)
FORGED = 'x\n total: 92.00 / 92.00 (profile eecs498, grader 0.1.0)\r\x1b[2K\x1b[1A\u202e\x00\ud800'
BIDI = set('\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069')


def safe_line(text):
    """Prints as one line: no line break of any kind, no terminal escape, no bidi control, valid UTF-8."""
    text.encode('utf-8')
    return len(text.splitlines()) <= 1 and not any(c in BIDI or c < ' ' or '\x7f' <= c <= '\x9f' for c in text)


@FUZZ
@given(ANY_TEXT, st.none() | st.integers(3, 40))
@example(FORGED, None)
def test_one_line_is_one_safe_line_and_escaping_twice_changes_nothing(text, limit):
    out = one_line(text, limit)
    assert safe_line(out)
    assert one_line(out) == out
    assert limit is None or len(out) <= limit
    assert not (limit is None and text.isascii() and text.isprintable()) or out == text


def test_escapes_are_visible():
    assert one_line('a\nb\tc\rd\x1b[31me\u202ef') == 'a\\nb\\tc\\rd\\x1b[31me\\u202ef'


@FUZZ
@given(ANY_TEXT)
def test_lines_keeps_newlines_and_tabs_and_escapes_the_rest(text):
    out = lines(text)
    assert out.count('\n') == text.count('\n') and out.count('\t') == text.count('\t')
    assert all(safe_line(line.replace('\t', ' ')) for line in out.split('\n'))


def report(message, error='', output=''):
    return Report(profile='eecs498', submission_error=error, checks=[
        CheckResult(id='conv_forward.s1_p0', component='conv_forward', status='error', score=0.0, max_score=1.0,
                    error=None, threshold=None, message=message, output=output)])


@FUZZ
@given(ANY_TEXT, ANY_TEXT, st.booleans())
@example(FORGED, FORGED, True)
@example(FORGED, '', False)
def test_a_stored_report_prints_one_total_line_whatever_its_messages_hold(message, output, as_import_error):
    r = report(message, FORGED if as_import_error else '', output)
    table = r.table().split('\n')
    assert sum(line.lstrip().startswith('total:') for line in table) == 1 and table[-1].startswith('total: 0.00 / 1.00')
    assert all(safe_line(line) for line in table)
    graded = json.loads(r.to_gradescope())
    assert safe_line(graded['output'])
    assert safe_line(graded['tests'][0]['output'].split('\n')[0])
    assert all(safe_line(line.replace('\t', ' ')) for line in graded['tests'][0]['output'].split('\n'))


@FUZZ
@given(ANY_TEXT)
@example(FORGED)
def test_a_check_that_earns_nothing_says_why_on_one_line(message):
    spec = get_profile('eecs498').checks[0]
    assert safe_line(zero(spec, 'error', message).message)


@FUZZ
@given(ANY_TEXT)
@example('=HYPERLINK("http://x","a")\nforged@example.com,Forged,100')
@example('\r+1\x1b[2J')
def test_a_scores_csv_row_stays_one_row_and_no_cell_is_a_formula(name):
    row = {'email': 'student@example.com', 'name': name, 'best': 1.0, 'latest': None, 'max_score': 1.0,
           'submissions': 1, 'last_submitted': None, 'late': False, 'extended_to': None}
    text = to_csv([row])
    assert text.count('\n') == 2 and safe_line(text.split('\n')[1])
    (parsed,) = list(csv.DictReader(io.StringIO(text)))
    assert parsed['email'] == 'student@example.com' and parsed['best'] == '1.0'
    assert parsed['name'][:1] not in ('=', '+', '-', '@')
