"""The web tier reads the catalog, skeletons and reports: `import grader` and those modules load no torch."""
import subprocess

from tests.helpers.paths import PYTHON, ROOT

PROBE = ('import sys, grader, grader.catalog, grader.catalog.table, grader.components, grader.report, '
         'grader.skeleton, grader.archive, grader.submission, grader.text; '
         'print(sorted(m for m in sys.modules if m == "torch" or m.startswith("torch.")))')


def test_import_grader_loads_no_torch():
    out = subprocess.run([PYTHON, '-c', PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == '[]', out.stdout + out.stderr


def test_grade_is_still_reachable_from_the_package():
    out = subprocess.run([PYTHON, '-c', 'from grader import grade; print(grade.__module__)'], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == 'grader.engine'
