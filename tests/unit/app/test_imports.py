"""The web process stays light: `import app.main` imports no torch and nothing of worker/ (issue 19)."""
import ast
import os
import subprocess
import sys

import pytest

from tests.helpers.paths import ROOT

# Run in a fresh interpreter: what this test process imported already does not count.
REPORT = ("import sys, json, app.main; print(json.dumps({'torch': 'torch' in sys.modules, "
          "'worker': sorted(m for m in sys.modules if m == 'worker' or m.startswith('worker.')), "
          "'grader': sorted(m for m in sys.modules if m.startswith('grader.'))}))")
# grader/__init__.py is the grader's own business; with it skipped, what app/ itself pulls in shows.
BARE_GRADER = ("import sys, types; g = types.ModuleType('grader'); g.__path__ = ['grader']; "
               "sys.modules['grader'] = g; ")


def _imported(prefix=''):
    import json
    out = subprocess.run([sys.executable, '-c', prefix + REPORT], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_app_main_imports_no_torch_and_no_worker_of_its_own():
    seen = _imported(BARE_GRADER)
    assert not seen['torch'], 'app/ imports a grader module that imports torch: %s' % seen['grader']
    assert seen['worker'] == []
    assert 'grader.engine' not in seen['grader']


def test_import_app_main_imports_no_torch():
    bare = subprocess.run([sys.executable, '-c', "import sys, grader; print('torch' in sys.modules)"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    if bare.stdout.strip() == 'True':
        pytest.skip('`import grader` itself imports torch (grader/__init__.py: the grader side of issue 19)')
    assert not _imported()['torch']


def test_nothing_in_app_imports_worker():
    found = []
    for folder, _, files in os.walk(os.path.join(ROOT, 'app')):
        for name in files:
            if name.endswith('.py'):
                path = os.path.join(folder, name)
                with open(path, encoding='utf-8') as f:
                    tree = ast.parse(f.read(), path)
                for node in ast.walk(tree):
                    names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                             [node.module or ''] if isinstance(node, ast.ImportFrom) else [])
                    found += ['%s:%d %s' % (os.path.relpath(path, ROOT), node.lineno, n) for n in names
                              if n == 'worker' or n.startswith('worker.')]
    assert found == []
