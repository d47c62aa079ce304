"""Reproducers (grader/repro.py): run beside a student's file, a failed check's snippet prints the error value the
grader's message gives; against a correct file every comparison it prints passes; it holds no expected value."""
import os
import re
import subprocess
import sys

import pytest

from grader.catalog import get_profile
from grader.engine import grade
from grader.repro import SUPPORTED, reproducer, reproducer_for
from grader.shims import write_shims
from tests.helpers.paths import PYTHON, ROOT
from tests.submissions import variants
from tests.submissions.bugs import BUGS, apply, base_source

PROFILE = get_profile('eecs498')
BUG = {b.id: b for b in BUGS}
# (bug, a check it fails): value errors in each supported procedure, forward, backward, test mode and alt
CASES = [
    ('conv_fwd_bias_added_twice', 'conv_forward.s1_p0'),
    ('conv_bwd_dw_missing_sum_over_n', 'conv_backward.s2_p2_nonsquare'),
    ('maxpool_bwd_overwrite_not_accumulate', 'maxpool_backward.2x2_s1_overlap'),
    ('bn_fwd_test_uses_batch_stats', 'batchnorm_forward.test_after_training'),
    ('bn_bwd_drops_eps', 'batchnorm_backward.eps_1e-3'),
    ('sbn_fwd_stats_over_n_only', 'spatial_batchnorm_forward.train'),
    ('kaiming_missing_sqrt', 'kaiming_initializer.conv_relu'),
    ('kaiming_dtype_ignored', 'kaiming_initializer.linear_relu'),
    ('kaiming_conv_shape_swapped', 'kaiming_initializer.conv_xavier'),
    ('three_layer_w2_grad_missing_reg', 'three_layer_convnet.grads_reg0.5_nonsquare'),
    ('three_layer_half_reg', 'three_layer_convnet.initial_loss_reg0.5'),
    ('deep_reg_on_all_params', 'deep_convnet.grads_reg3.14'),
    ('deep_half_reg', 'deep_convnet_batchnorm.grads_reg3.14'),
]
LINE = re.compile(r'^(\S+): (?:rel|abs)_error (\S+) ([<>=]+) (\S+)$', re.M)


def run_beside(tmp_path, source, script, profile=PROFILE):
    """Run `script` with python in a folder holding `source` as the student's file and the course's helpers."""
    with open(os.path.join(tmp_path, profile.graded_file), 'wb') as f:
        f.write(source if isinstance(source, bytes) else source.encode())
    write_shims(profile.shims, str(tmp_path))
    with open(os.path.join(tmp_path, 'repro.py'), 'w') as f:
        f.write(script)
    done = subprocess.run([sys.executable, 'repro.py'], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={'PATH': os.environ.get('PATH', ''), 'OMP_NUM_THREADS': '1'})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.parametrize('bug_id,check_id', CASES)
def test_snippet_prints_the_messages_error(tmp_path, bug_id, check_id):
    source = apply(BUG[bug_id])
    report = grade(source, PROFILE, only=[check_id])
    (check,) = report.checks
    assert check.status == 'failed', check.message
    printed = run_beside(tmp_path, source, reproducer_for(PROFILE, check_id))
    failing = [m for m in LINE.finditer(printed) if m.group(3) == '>']
    problems = [line for line in printed.splitlines() if ' has shape ' in line or ' has dtype ' in line]
    assert failing or problems, printed
    for line in [m.group(0) for m in failing] + problems:     # 'dw: rel_error 4.2e-01 > 1e-08', as the message
        assert line in check.message, (line, check.message)
    if check.error is not None:
        assert '%.1e' % check.error in [m.group(2) for m in failing]


@pytest.mark.parametrize('name,source', [('eecs498', lambda: base_source('correct_vectorized')),
                                         ('deep-vision-hw6', variants.hw6), ('sta9131', variants.sta9131)])
def test_every_snippet_passes_on_a_correct_file(tmp_path, name, source):
    """Every check with a reproducer, in one process: each snippet's comparisons pass on the course-correct file
    (each course's own: 0.5 * reg and running_var starting at ones in STA9131)."""
    profile = get_profile(name)
    specs = [s for s in profile.checks if reproducer(s, profile) and not s.advisory]
    assert len(specs) >= 46
    driver = ''.join('print("== %s")\nexec(compile(%r, %r, "exec"), {"__name__": "__main__"})\n'
                     % (s.id, reproducer(s, profile), s.id) for s in specs)
    printed = run_beside(tmp_path, source(), driver, profile)
    blocks = printed.split('== ')[1:]
    assert len(blocks) == len(specs)
    for block in blocks:
        check_id, _, body = block.partition('\n')
        lines = LINE.findall(body)
        assert lines, block
        assert all(op == '<=' for _, _, op, _ in lines), block
        assert 'x: changed in place' not in body, block


def test_snippet_holds_no_expected_value_or_reference():
    for spec in PROFILE.checks:
        text = reproducer(spec, PROFILE)
        if spec.procedure not in SUPPORTED:
            assert text == ''
            continue
        compile(text, spec.id, 'exec')
        assert 'reference' not in text and 'torch.tensor(' not in text and 'as_tensor(' not in text
        thresholds = ' '.join(repr(o.threshold) for o in spec.outputs)
        floats = {f for f in re.findall(r'\d\.\d{4,}', text) if f not in thresholds}
        assert not floats, (spec.id, floats)      # long literals: the check's thresholds, never a value


def test_cli_prints_the_reproducer(tmp_path):
    """python -m grader grade FILE --repro CHECK_ID grades that check only and prints its snippet, which runs."""
    source = apply(BUG['maxpool_bwd_overwrite_not_accumulate'])
    path = tmp_path / 'submitted.py'
    path.write_bytes(source)
    done = subprocess.run([PYTHON, '-m', 'grader', 'grade', str(path), '--repro', 'maxpool_backward.2x2_s1_overlap'],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    table, marker, snippet = done.stdout.partition('# ---- reproducer')
    assert marker and 'maxpool_backward.2x2_s1_overlap  failed' in table
    assert 'conv_forward' not in table                      # only the named check was graded
    message = table.split('maxpool_backward.2x2_s1_overlap: ', 1)[1].splitlines()[0]
    folder = tmp_path / 'local'
    folder.mkdir()
    printed = run_beside(folder, source, marker + snippet)
    assert LINE.search(printed).group(0) in message, (printed, message)


@pytest.mark.parametrize('check_id,reason', [('deep_convnet.init', 'has no reproducer'),
                                             ('conv_forward.nope', 'no check conv_forward.nope')])
def test_cli_refuses_a_check_without_reproducer(tmp_path, check_id, reason):
    path = tmp_path / 'submitted.py'
    path.write_text(base_source('correct_vectorized'))
    done = subprocess.run([PYTHON, '-m', 'grader', 'grade', str(path), '--repro', check_id], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and reason in done.stderr and 'Traceback' not in done.stderr, done.stderr


def test_deep_snippet_says_when_the_parameter_names_differ(tmp_path):
    """The grader matches other names by shape; the snippet names the first one it needs, without a traceback."""
    script = reproducer_for(PROFILE, 'deep_convnet_batchnorm.grads_reg0')
    with open(os.path.join(tmp_path, PROFILE.graded_file), 'wb') as f:
        f.write(variants.deep_param_names('short'))
    write_shims(PROFILE.shims, str(tmp_path))
    (tmp_path / 'repro.py').write_text(script)
    done = subprocess.run([sys.executable, 'repro.py'], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={'PATH': os.environ.get('PATH', ''), 'OMP_NUM_THREADS': '1'})
    assert done.returncode == 1 and 'Traceback' not in done.stderr
    assert "needs the skeleton's parameter names: no gamma1 in model.params" in done.stderr
