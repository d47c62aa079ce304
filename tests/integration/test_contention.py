"""Load costs no points: with more busy processes than cores beside it, the correct file still scores full
marks, training checks included (a check's limit and the Solver's time_limit count the runner's CPU time)."""
import os
import subprocess
import sys

import pytest

from grader.catalog import get_profile
from grader.engine import grade
from tests.helpers.isolation import RUNNER_KINDS
from tests.helpers.paths import read_submission

pytestmark = pytest.mark.slow
SPIN_S = 600              # a spinner ends by itself after this, should the test's finally never run
SPIN = 'import time\nend = time.monotonic() + %d\nwhile time.monotonic() < end:\n    pass\n' % SPIN_S


def test_the_correct_file_scores_full_marks_on_a_loaded_machine():
    # each in a session of its own: with autogroup scheduling a session shares the CPU as one process would
    spinners = [subprocess.Popen([sys.executable, '-c', SPIN], start_new_session=True)
                for _ in range(2 * os.cpu_count() + 1)]
    try:
        report = grade(read_submission('correct_vectorized'), get_profile('eecs498'),
                       sandbox=RUNNER_KINDS['forkserver'])
    finally:
        for spinner in spinners:
            spinner.kill()
        for spinner in spinners:
            spinner.wait()
    assert [c.id for c in report.checks if c.status != 'passed'] == [], report.table()
    assert report.score == report.max_score
