"""Ways around the seccomp filter: nothing the student can reach is less confined than the student code.

The namespace's pid 1 (bubblewrap's init, or the fork server's per-job init) shares the student's uid; before
it carried the same filter and limits and became undumpable, student code could write machine code into it
through /proc/1/mem and make unfiltered system calls from there (issue 13, hole 1). clone and clone3 reached
new namespaces that unshare could not (hole 6); other system-call tables (i386, x32) must not pass either.
"""
import re
from dataclasses import replace

import pytest

from grader.engine import grade
from grader.isolation import teardown
from tests.attacks import helpers
from tests.attacks.helpers import ATTACKED, DIED, PROFILE, UNTOUCHED, by_id, contained, grade_strict

pytestmark = pytest.mark.slow


def outputs(report):
    checks = by_id(report)
    assert checks[UNTOUCHED].status == 'passed', checks[UNTOUCHED].message
    return checks[ATTACKED].output.splitlines()


def test_pid1_memory_cannot_be_written(attack):
    report = grade_strict(attack('proc_pid1_mem'))
    out = outputs(report)
    assert not any('socket returned' in line for line in out), out          # the takeover never ran
    assert re.fullmatch(r"ATTACK: pid1: PermissionError: \[Errno 13\] Permission denied: '/proc/1/(syscall|mem)'",
                        out[-1]), out
    assert by_id(report)[ATTACKED].status == 'passed'                         # and the attempt cost nothing


def test_every_process_in_the_sandbox_is_confined_like_the_student(attack):
    report = grade_strict(attack('proc_sandbox_processes'))
    lines = [re.fullmatch(r'ATTACK: process (self|other) (\S+) (.*)', line) for line in outputs(report)]
    assert all(lines), outputs(report)
    mine = [m.group(3) for m in lines if m.group(1) == 'self']
    others = [(m.group(2), m.group(3)) for m in lines if m.group(1) == 'other']
    assert len(mine) == 1 and 'Seccomp=2 NoNewPrivs=1 CapEff=0000000000000000' in mine[0], mine
    assert others, 'the sandbox shows no pid 1'
    for name, confined in others:
        assert confined == mine[0], (name, confined, mine[0])


KILLED = DIED + 'the process was killed by signal SIGSYS (a forbidden system call)'


def test_clone_into_a_new_user_namespace_kills_the_runner(attack):
    out = contained(grade_strict(attack('proc_clone_newuser')), 'error', KILLED)
    assert out == 'ATTACK: clone_newuser: calling clone(CLONE_NEWUSER)'             # never returned


def test_clone3_is_not_there_and_threads_still_start(attack):
    report = grade_strict(attack('proc_clone3'))
    assert outputs(report) == ['ATTACK: clone3 returned -1 errno 38', 'ATTACK: clone3: threads still start']
    assert by_id(report)[ATTACKED].status == 'passed'


@pytest.mark.parametrize('abi', ['i386', 'x32'])
def test_another_system_call_table_kills_the_whole_runner(attack, abi):
    out = contained(grade_strict(attack('proc_foreign_abi', abi=abi)), 'error', KILLED)
    assert out == 'ATTACK: %s: calling socket(AF_INET)' % abi


def test_captured_output_is_bounded_by_the_grader_not_only_by_the_file_size_limit(attack):
    """A process inside with a larger RLIMIT_FSIZE (here: the whole sandbox) still captures at most output_mib."""
    config = replace(helpers.CURRENT[0], file_size_mib=512, output_mib=16)
    report = grade(attack('proc_print_flood'), PROFILE, only=[ATTACKED, UNTOUCHED], sandbox=config, timeout_cap_s=20)
    assert teardown.wait_all(timeout_s=10)
    attacked = by_id(report)[ATTACKED]
    assert attacked.output.endswith('ATTACK: print flood stopped after 16 MiB: PermissionError: [Errno 1] Operation not '
                                    'permitted'), attacked.output[-300:]
    cut = int(re.search(r'\[\.\.\. (\d+) characters cut \.\.\.\]', attacked.output).group(1))
    assert cut + 2000 <= 16 << 20
    assert by_id(report)[UNTOUCHED].status == 'passed'


def test_only_the_sized_tmpfs_folders_take_writes(attack):
    """bubblewrap's root and /dev are tmpfs without a size: before they were read-only, a student filled / with
    360 MiB (half the machine's memory was its limit without a cgroup)."""
    out = outputs(grade_strict(attack('proc_writable_places')))
    assert out == ["ATTACK: writable ['/job', '/tmp']"], out


def test_modify_ldt_kills_the_runner(attack):
    out = contained(grade_strict(attack('proc_modify_ldt')), 'error', KILLED)
    assert out == 'ATTACK: modify_ldt: calling modify_ldt(0)'
