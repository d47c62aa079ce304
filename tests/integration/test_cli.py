"""The CLI end to end: correct submissions score 100%, outputs have the promised shape."""
import json
import os
import subprocess
import zipfile

import pytest

from grader.components import COMPONENTS
from grader.spec import STATUSES
from tests.helpers.paths import PYTHON, ROOT, submission_path
from tests.integration.service import crafted_zips

pytestmark = pytest.mark.slow
CHECK_KEYS = {'id', 'component', 'status', 'score', 'max_score', 'error', 'threshold', 'message'}


def cli(*args, timeout=600):
    return subprocess.run([PYTHON, '-m', 'grader', *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize('name', ['correct_vectorized', 'correct_naive'])
def test_correct_submission_scores_full_marks(name, tmp_path):
    out, gs = tmp_path / 'r.json', tmp_path / 'results.json'
    proc = cli('grade', submission_path(name), '--json', str(out), '--gradescope', str(gs))
    assert proc.returncode == 0, proc.stderr
    assert 'total: 100.00 / 100.00 (profile eecs498' in proc.stdout
    result = json.loads(out.read_text())
    assert {'profile', 'grader_version', 'score', 'max_score', 'checks'} <= set(result)
    assert result['score'] == result['max_score'] == 100.0
    assert {c['component'] for c in result['checks']} == set(COMPONENTS)
    for check in result['checks']:
        assert CHECK_KEYS <= set(check)
        assert check['status'] == 'passed', check
    gradescope = json.loads(gs.read_text())
    assert gradescope['score'] == 100.0
    assert len(gradescope['tests']) == len(result['checks'])
    assert {t['status'] for t in gradescope['tests']} == {'passed'}
    assert {'name', 'score', 'max_score', 'output', 'visibility'} <= set(gradescope['tests'][0])


def test_zip_and_folder_inputs_and_several_paths(tmp_path):
    archive = tmp_path / 'sub.zip'
    with zipfile.ZipFile(archive, 'w') as zf:
        zf.write(submission_path('correct_vectorized'), 'A3/convolutional_networks.py')
        zf.writestr('A3/fully_connected_networks.py', 'raise SystemExit("ignored: the grader supplies this")\n')
        zf.writestr('__MACOSX/A3/convolutional_networks.py', 'garbage')
    folder = tmp_path / 'folder' / 'nested'
    folder.mkdir(parents=True)
    (folder / 'convolutional_networks.py').write_bytes(b'def broken(:\n')
    out = tmp_path / 'r.json'
    proc = cli('grade', str(archive), str(tmp_path / 'folder'), '--only', 'conv_forward', '--json', str(out))
    assert proc.returncode == 0, proc.stderr
    first, second = json.loads(out.read_text())
    assert first['score'] == first['max_score'] == 8.0
    assert second['score'] == 0 and 'SyntaxError' in second['submission_error']
    assert {c['status'] for c in second['checks']} <= set(STATUSES)


def test_several_paths_through_the_fork_server(tmp_path):
    out = tmp_path / 'r.json'
    paths = [submission_path('correct_vectorized'), submission_path('correct_naive')]
    proc = cli('grade', *paths, '--only', 'conv_backward', '--fork-server', '--sandbox', 'strict', '--json', str(out))
    assert proc.returncode == 0, proc.stderr
    assert [(r['score'], r['max_score']) for r in json.loads(out.read_text())] == [(10.0, 10.0)] * 2


def test_failing_submission_still_exits_zero(tmp_path):
    bad = tmp_path / 'convolutional_networks.py'
    bad.write_text('import torch\n')
    proc = cli('grade', str(bad), '--only', 'maxpool_forward', '--quiet')
    assert proc.returncode == 0
    assert proc.stdout.strip() == 'total: 0.00 / 5.00 (profile eecs498, grader 0.1.0)'


@pytest.mark.parametrize('args, reason', [
    (['grade', '/nonexistent/x.py'], 'error: /nonexistent/x.py does not exist'),
    (['grade', 'Makefile'], 'error: Makefile is not a .py file, a folder or a .zip'),
    (['grade', 'tests/submissions/correct_naive', '--device', 'cuda'], 'CUDA is not available'),
])
def test_unusable_arguments_exit_nonzero_with_one_line(args, reason):
    proc = cli(*args)
    assert proc.returncode == 2
    assert proc.stdout == ''
    assert reason in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_unknown_profile_is_refused():
    proc = cli('grade', submission_path('correct_naive'), '--profile', 'nope')
    assert proc.returncode == 2 and "invalid choice: 'nope'" in proc.stderr


def test_zip_without_the_graded_file(tmp_path):
    archive = tmp_path / 'empty.zip'
    with zipfile.ZipFile(archive, 'w') as zf:
        zf.writestr('notes.txt', 'hi')
    proc = cli('grade', str(archive))
    assert proc.returncode == 2 and 'holds no convolutional_networks.py' in proc.stderr
    not_zip = tmp_path / 'bad.zip'
    not_zip.write_bytes(b'not a zip')
    proc = cli('grade', str(not_zip))
    assert proc.returncode == 2 and 'is not a readable zip file' in proc.stderr
    assert not os.path.exists(tmp_path / 'r.json')


def test_hostile_zips_are_refused_with_a_reason_and_no_traceback(tmp_path):
    """The command line reads zips as the upload checks do (grader/archive.py): no bzip2/LZMA member, the
    decompressed bytes counted, any corruption a one-line refusal (exit 2), never a traceback."""
    source = open(submission_path('correct_vectorized'), 'rb').read()
    cases = [(crafted_zips.one_member(source, zipfile.ZIP_BZIP2), 'is compressed with bzip2'),
             (crafted_zips.corrupt_stream(crafted_zips.one_member(source)), 'is not a readable zip file (Error -3'),
             (crafted_zips.declare_size(crafted_zips.one_member(source), 1 << 20), 'declares 1048576 bytes but holds'),
             (crafted_zips.directory_flood(201), 'has more than 200 members')]
    for i, (data, reason) in enumerate(cases):
        path = tmp_path / ('hostile%d.zip' % i)
        path.write_bytes(data)
        proc = cli('grade', str(path))
        assert proc.returncode == 2 and reason in proc.stderr, (reason, proc.stderr[-500:])
        assert 'Traceback' not in proc.stderr
