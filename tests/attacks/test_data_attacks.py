"""Data, network and integrity attacks: what a hostile submission may try to read, reach, write or forge.

Each test grades the correct submission with one snippet from submissions/data_*.py injected and
asserts the concrete outcome: nothing reached the loopback servers, no file outside the sandbox
was read or written, nothing forged changed a score, and the untouched check still passes.
Five weaknesses these attacks found (io_uring sockets, half credit for a wrong output, forged
reply structures, multi-line messages) were fixed; their tests now guard the fixes.
"""
import glob
import json
import os
import re
import sys
import threading
import time

import pytest

from grader.__main__ import main as cli_main
from grader.shims import bundle_source
from tests.attacks import corpus
from tests.attacks.helpers import ATTACKED, UNTOUCHED, by_id, grade_strict

pytestmark = pytest.mark.slow

REFERENCE = os.path.join(corpus.ROOT, 'reference')
VENV = sys.prefix


def attack_lines(check):
    """The attack's own report of what it saw (all of it: the grader keeps 2000 characters)."""
    assert 'characters cut ...]' not in check.output, check.output
    return [line for line in check.output.splitlines() if line.startswith('ATTACK:')]


def everything(report):
    """Every text the grader reports: JSON, Gradescope results and the table."""
    return report.to_json() + report.to_gradescope() + report.table()


def assert_untouched(checks):
    assert checks[UNTOUCHED].status == 'passed', checks[UNTOUCHED].message
    assert checks[UNTOUCHED].score == checks[UNTOUCHED].max_score


def assert_both_pass(report):
    checks = by_id(report)
    assert checks[ATTACKED].status == 'passed', checks[ATTACKED].message
    assert_untouched(checks)
    assert report.score == report.max_score


def assert_totals_real(report):
    """The report's totals are the sums of the checks' own scores, in every serialisation."""
    assert report.score == round(sum(c.score for c in report.checks), 4)
    assert json.loads(report.to_gradescope())['score'] == report.score
    assert json.loads(report.to_json())['score'] == report.score
    assert report.table().splitlines()[-1].startswith('total: %.2f / %.2f' % (report.score, report.max_score))


def assert_out_rejected(check, why='out: rel_error'):
    """The attacked check failed because its `out` is wrong, and earned none of out's share."""
    assert check.status == 'failed', check.message
    assert ': %s' % why in check.message, check.message
    # `x` (the in-place check) still counts as one of the two outputs: see test_a_wrong_output_earns_no_points
    assert check.score <= check.max_score / 2


# ---- network -------------------------------------------------------------------------------

def test_tcp_connect_to_a_host_server_is_refused(attack, tcp_server):
    report = grade_strict(attack('data_tcp_connect', port=tcp_server.port))
    checks = by_id(report)
    lines = attack_lines(checks[ATTACKED])
    time.sleep(0.3)                                   # the server polls every 0.2 s
    assert tcp_server.hits == 0
    assert any(line.startswith('ATTACK: tcp refused PermissionError') for line in lines), lines
    assert 'ATTACK: libc socket -> -1 errno 1' in lines, lines            # EPERM from seccomp
    assert not any('tcp connected' in line for line in lines)
    assert_both_pass(report)


def test_tcp_connect_through_io_uring_does_not_reach_the_host(attack, tcp_server):
    report = grade_strict(attack('data_tcp_io_uring', port=tcp_server.port))
    checks = by_id(report)
    out = checks[ATTACKED].output
    time.sleep(0.3)
    assert tcp_server.hits == 0                       # the network namespace holds even where seccomp does not
    assert 'ATTACK: io_uring socket ->' in out, out
    assert 'io_uring connect -> 0' not in out, out
    assert_both_pass(report)


def test_io_uring_cannot_create_sockets(attack, tcp_server):
    report = grade_strict(attack('data_tcp_io_uring', port=tcp_server.port))
    out = by_id(report)[ATTACKED].output
    assert 'ATTACK: io_uring socket ->' in out, out
    assert re.search(r'io_uring socket -> \d+', out) is None, out


def test_dns_lookups_fail_and_send_nothing(attack, udp_server):
    report = grade_strict(attack('data_dns', port=udp_server.port))
    checks = by_id(report)
    lines = attack_lines(checks[ATTACKED])
    time.sleep(0.3)
    assert udp_server.hits == 0
    assert any(line.startswith('ATTACK: dns query refused PermissionError') for line in lines), lines
    assert any(line.startswith('ATTACK: getaddrinfo failed gaierror') for line in lines), lines
    assert 'ATTACK: resolv.conf exists=False etc=False' in lines, lines
    assert not any(line.startswith(('ATTACK: dns query sent', 'ATTACK: resolved')) for line in lines)
    assert_both_pass(report)


# ---- reading what is not the submission's --------------------------------------------------

def _reference_only_lines(source):
    """Lines of the graded reference that neither the submission nor the shims contain."""
    known = set(line.strip() for line in (source.decode() + bundle_source('x')).splitlines())
    lines = set()
    for name in ('nets.py', 'layers.py', 'batchnorm.py', 'sandwich.py'):
        with open(os.path.join(REFERENCE, name)) as f:
            lines.update(line.strip() for line in f if len(line.strip()) >= 25)
    return lines - known


def pid1_refused(line):
    """pid 1 of the sandbox is not dumpable: its /proc files (root, environ, mem) are refused outright."""
    return ' /proc/1/' in line and line.endswith('PermissionError')


def test_reference_source_is_not_visible(attack, isolation):
    source = attack('data_read_reference', ref_dir=REFERENCE)
    report = grade_strict(source)
    checks = by_id(report)
    lines = attack_lines(checks[ATTACKED])
    visible = [line for line in lines if line.startswith('ATTACK: visible /')]
    assert visible and 'reference' not in visible[0], visible
    # bubblewrap mounts the virtual environment at /opt/venv; the fork server at its own path (torch's lazy
    # imports look there), with nothing else of the folders above it
    top = 'opt' if isolation == 'bwrap' else VENV.split('/')[1]
    assert "'%s'" % top in visible[0], visible
    reads = [line for line in lines if line.startswith('ATTACK: read ')]
    assert len(reads) == 13, lines
    assert all(line.endswith(('FileNotFoundError', 'NotADirectoryError')) or pid1_refused(line) for line in reads), reads
    assert [line for line in lines if line.startswith('ATTACK: import ')] == [
        'ATTACK: import reference ModuleNotFoundError', 'ATTACK: import reference.nets ModuleNotFoundError',
        'ATTACK: import grader.scoring.expect ModuleNotFoundError']
    assert 'ATTACK: found []' in lines, lines
    secret_lines = _reference_only_lines(source)
    assert len(secret_lines) > 50
    text = everything(report)
    assert not [line for line in secret_lines if line in text]
    assert_both_pass(report)


def test_planted_secret_file_is_not_readable(attack, planted_secret):
    path, token = planted_secret
    report = grade_strict(attack('data_read_secret', secret_path=path))
    checks = by_id(report)
    lines = attack_lines(checks[ATTACKED])
    reads = [line for line in lines if line.startswith('ATTACK: secret ')]
    assert len(reads) == 4 and all(line.endswith('FileNotFoundError') or pid1_refused(line) for line in reads), reads
    assert 'ATTACK: parent listing []' in lines, lines
    assert 'ATTACK: exists /etc/shadow False' in lines and 'ATTACK: exists /etc/passwd False' in lines
    assert token not in everything(report)
    assert path.read_text() == token
    assert_both_pass(report)


def test_environment_secrets_are_not_in_any_process(attack, monkeypatch):
    monkeypatch.setenv('GRADER_DATABASE_URL', 'postgresql://admin:hunter2@db/grader')
    monkeypatch.setenv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI-K7MDENG-bPxRfiCY')
    report = grade_strict(attack('data_env_secrets'))
    checks = by_id(report)
    lines = attack_lines(checks[ATTACKED])
    assert lines[0] == ('ATTACK: os.environ keys %s' % sorted(
        ['HOME', 'LANG', 'MKL_NUM_THREADS', 'MPLBACKEND', 'OMP_NUM_THREADS', 'PATH', 'PWD',
         'PYTHONDONTWRITEBYTECODE', 'PYTHONHASHSEED']))
    environs = [line for line in lines if line.startswith('ATTACK: /proc/')]
    assert len(environs) == 4 and all(' = ' in line and 'HOME=/job' in line or pid1_refused(line) for line in environs)
    assert 'ATTACK: /proc/1/environ PermissionError' in environs, lines
    text = everything(report)
    for secret in ('hunter2', 'GRADER_DATABASE_URL', 'AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI'):
        assert secret not in text
    assert_both_pass(report)


def test_another_submission_graded_at_the_same_time_is_invisible(attack):
    token = 'VICTIM-%s' % os.urandom(8).hex()
    with open(corpus.BASE) as f:
        # the victim carries the token and stays busy while the attacker searches
        victim = ('# %s\nimport time\ntime.sleep(2.5)\n' % token + f.read()).encode()
    attacker = attack('data_other_submission')
    reports, spans = {}, {}

    def run(name, source):
        started = time.monotonic()
        reports[name] = grade_strict(source)
        spans[name] = (started, time.monotonic())

    threads = [threading.Thread(target=run, args=('victim', victim)),
               threading.Thread(target=run, args=('attacker', attacker))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert set(reports) == {'victim', 'attacker'}
    assert spans['victim'][0] < spans['attacker'][1] and spans['attacker'][0] < spans['victim'][1]
    assert_both_pass(reports['victim'])
    checks = by_id(reports['attacker'])
    lines = attack_lines(checks[ATTACKED])
    searched = [line for line in lines if line.startswith('ATTACK: searched ')]
    assert searched and searched[0].endswith('found []'), lines
    assert int(searched[0].split()[2]) > 0
    assert token not in everything(reports['attacker'])
    assert_both_pass(reports['attacker'])


# ---- writing outside the sandbox ------------------------------------------------------------

def test_writes_outside_the_sandbox_fail(attack, tmp_path, isolation):
    tag = os.urandom(6).hex()
    host_file, host_dir = tmp_path / 'pwned.txt', tmp_path / 'pwned-dir'
    os.chmod(tmp_path, 0o777)
    report = grade_strict(attack('data_write_outside', host_file=host_file, host_dir=host_dir, tag=tag, venv=VENV))
    checks = by_id(report)
    lines = attack_lines(checks[ATTACKED])
    writes = {line.split()[2]: line.split()[-1] for line in lines if line.startswith('ATTACK: write ')}
    assert not [line for line in lines if line.startswith(('ATTACK: wrote /usr', 'ATTACK: wrote /opt',
                                                           'ATTACK: wrote /job/', 'ATTACK: wrote ' + str(tmp_path),
                                                           'ATTACK: wrote ' + VENV, 'ATTACK: wrote /proc'))], lines
    assert writes[str(host_file)] == 'FileNotFoundError'
    read_only = ['/usr/pwned-%s' % tag, '/job/submission/pwned-%s' % tag, '/job/submission/convolutional_networks.py']
    if isolation == 'bwrap':
        read_only += ['/opt/venv/pwned-%s' % tag, '/job/runner/main.py']
    else:                                   # the fork server's runner code is already imported: no /job/runner
        read_only += [os.path.join(VENV, 'pwned-%s' % tag)]
    for inside in read_only:
        assert writes[inside] in ('OSError', 'PermissionError'), (inside, lines)      # EROFS / EACCES
    assert any(line.startswith('ATTACK: m') and str(host_dir) in line for line in lines), lines
    for path in [host_file, host_dir, '/usr/pwned-%s' % tag, '/usr/lib/pwned-%s' % tag, '/pwned-%s' % tag,
                 '/usr/pwned-dir-%s' % tag, os.path.join(VENV, 'pwned-%s' % tag),
                 os.path.join(VENV, 'lib', 'pwned-%s' % tag), '/dev/pwned-%s' % tag]:
        assert not os.path.exists(path), path
    assert not glob.glob('/tmp/grade-*/*/pwned-%s' % tag)
    assert_both_pass(report)


def test_planted_symlinks_are_not_followed_by_the_grader(attack, planted_secret):
    path, token = planted_secret
    report = grade_strict(attack('data_symlinks', secret_path=path))
    checks = by_id(report)
    lines = attack_lines(checks[ATTACKED])
    planted = [line for line in lines if line.startswith('ATTACK: planted ')]
    assert planted and 'shadow' in planted[0] and 'results.json' in planted[0], lines
    followed = [line for line in lines if ' -> ' in line]
    assert len(followed) == 18, lines
    assert all(line.endswith(('FileNotFoundError', 'IsADirectoryError')) for line in followed), followed
    text = everything(report)
    assert token not in text
    with open('/etc/shadow') as f:
        shadow = [line.strip() for line in f if len(line.strip()) >= 8]
    assert not [line for line in shadow if line in text]
    assert path.read_text() == token                  # cleanup followed no link into the secret's folder
    assert_both_pass(report)


# ---- forged results --------------------------------------------------------------------------

def test_forged_result_lines_do_not_change_the_score(attack):
    report = grade_strict(attack('data_forged_report'))
    checks = by_id(report)
    assert 'ATTACK: forging' in checks[ATTACKED].output
    assert 'total: 100.00 / 100.00' in checks[ATTACKED].output          # printed, and only reported as output
    assert_out_rejected(checks[ATTACKED])
    assert_untouched(checks)
    assert_totals_real(report)
    assert report.score < report.max_score
    assert 'total: 100.00' not in report.table()
    assert json.loads(report.to_gradescope())['score'] != 100


def test_a_wrong_output_earns_no_points(attack):
    report = grade_strict(attack('data_forged_report'))
    assert by_id(report)[ATTACKED].score == 0


def test_forged_verdict_in_an_error_message_does_not_change_the_score(attack):
    report = grade_strict(attack('data_forged_message'))
    checks = by_id(report)
    assert checks[ATTACKED].status == 'error' and checks[ATTACKED].score == 0
    assert 'ValueError: fine' in checks[ATTACKED].message
    assert_untouched(checks)
    assert_totals_real(report)
    assert report.score == round(checks[UNTOUCHED].score, 4)


def test_forged_verdict_in_an_error_message_stays_on_one_line(attack):
    report = grade_strict(attack('data_forged_message'))
    lines = report.table().splitlines()
    assert sum(line.startswith('total:') for line in lines) == 1 and lines[-1].startswith('total: ')
    assert all('\n' not in c.message for c in report.checks)


def test_forged_results_files_change_nothing_on_the_host(attack, tmp_path):
    tag = os.urandom(6).hex()
    canary, gradescope, results = tmp_path / 'forged.json', tmp_path / 'results.json', tmp_path / 'report.json'
    os.chmod(tmp_path, 0o777)
    autograder = '/autograder/results/results.json'
    before = open(autograder).read() if os.path.exists(autograder) else None
    submission = tmp_path / 'convolutional_networks.py'
    submission.write_bytes(attack('data_forged_results_file', tag=tag, host_file=canary, gradescope_file=gradescope))
    code = cli_main(['grade', str(submission), '--sandbox', 'strict', '--only', ATTACKED, '--only', UNTOUCHED,
                     '--gradescope', str(gradescope), '--json', str(results), '--quiet'])
    assert code == 0
    assert not canary.exists()
    assert (open(autograder).read() if os.path.exists(autograder) else None) == before
    assert not os.path.exists('/results.json') or 'FORGED-%s' % tag not in open('/results.json').read()
    data = json.loads(results.read_text())
    checks = {c['id']: c for c in data['checks']}
    lines = [line for line in checks[ATTACKED]['output'].splitlines() if line.startswith('ATTACK:')]
    assert 'ATTACK: forged results.json' in lines                      # inside its own tmpfs only
    assert any(str(canary) in line for line in lines), lines          # (at most into its own /tmp)
    assert all(c['status'] == 'passed' and c['score'] == c['max_score'] for c in data['checks'])
    graded = json.loads(gradescope.read_text())
    assert 'FORGED' not in graded['output']
    assert graded['score'] == data['score'] == round(sum(c['score'] for c in data['checks']), 4)
    assert [t['name'] for t in graded['tests']] == [c['id'] for c in data['checks']]


# ---- tampering with the comparison --------------------------------------------------------------

def test_monkeypatching_torch_and_the_metric_does_not_reach_the_grader(attack):
    report = grade_strict(attack('data_monkeypatch_metric'))
    checks = by_id(report)
    lines = attack_lines(checks[ATTACKED])
    for name in ('grader', 'grader.scoring.metrics', 'grader.scoring.compare', 'reference'):
        assert 'ATTACK: import %s ModuleNotFoundError' % name in lines, lines
    assert 'ATTACK: patched; in here the wrong answer looks right: True 0.0 True' in lines, lines
    assert_out_rejected(checks[ATTACKED])
    assert checks[ATTACKED].error is not None and checks[ATTACKED].error > 1e-3
    assert_untouched(checks)
    assert_totals_real(report)


@pytest.mark.parametrize('values', ['wrong', 'right'])
def test_tensor_subclass_with_lying_methods_is_scored_by_value(attack, values):
    report = grade_strict(attack('data_tensor_subclass', values=values))
    checks = by_id(report)
    lines = attack_lines(checks[ATTACKED])
    assert any(line.startswith('ATTACK: subclass _Liar') and line.endswith(': 0.0') for line in lines), lines
    if values == 'wrong':
        assert_out_rejected(checks[ATTACKED])
        assert checks[ATTACKED].error > 0.1
    else:
        assert checks[ATTACKED].status == 'passed', checks[ATTACKED].message
    assert_untouched(checks)
    assert_totals_real(report)


def test_objects_with_malicious_reduce_are_never_unpickled(attack, tmp_path):
    host_file = tmp_path / 'reduced.txt'
    os.chmod(tmp_path, 0o777)
    report = grade_strict(attack('data_reduce', host_file=host_file))
    checks = by_id(report)
    assert 'ATTACK: returning _Payload objects' in checks[ATTACKED].output
    assert '__reduce__ called' not in checks[ATTACKED].output
    assert '__getstate__ called' not in checks[ATTACKED].output
    assert not host_file.exists()
    assert_out_rejected(checks[ATTACKED], 'out is _Payload, not a tensor')
    assert_untouched(checks)
    assert_totals_real(report)


LAYOUTS = {
    'expanded_wrong': 'out: rel_error', 'reinterpret_wrong': 'out: rel_error',
    'float32_right': 'out has dtype float32, expected float64', 'int_bits_right': 'out has dtype int64',
    'transposed_right': None, 'strided_right': None, 'huge_broadcast': 'error',
}


@pytest.mark.parametrize('mode', sorted(LAYOUTS))
def test_forged_layouts_and_dtypes_are_scored_by_value(attack, mode):
    report = grade_strict(attack('data_tensor_layout', mode=mode))
    checks = by_id(report)
    check = checks[ATTACKED]
    assert any(line.startswith('ATTACK: layout %s ' % mode) for line in attack_lines(check)), check.output
    expected = LAYOUTS[mode]
    if expected is None:
        assert check.status == 'passed', check.message
    elif expected == 'error':                          # 10^10 elements cannot be materialised under RLIMIT_AS
        assert check.status == 'error' and check.score == 0, check.message
        assert 'RuntimeError' in check.message, check.message
    else:
        assert_out_rejected(check, expected)
    assert_untouched(checks)
    assert_totals_real(report)


# ---- forged replies: the runner's own code shares the student's process ------------------------

@pytest.mark.parametrize('snippet, fill', [
    ('data_forged_meta', {'mode': 'devices'}),
    ('data_forged_meta', {'mode': 'non_tensors'}),
    ('data_forged_meta', {'mode': 'device_type'}),
    ('data_forged_error', {'line': 'seven'}),
])
def test_forged_reply_structure_is_an_error_not_a_crash(attack, snippet, fill):
    report = grade_strict(attack(snippet, **fill))
    checks = by_id(report)
    assert checks[ATTACKED].status in ('error', 'failed') and checks[ATTACKED].score <= checks[ATTACKED].max_score / 2
    assert_untouched(checks)
    assert_totals_real(report)
