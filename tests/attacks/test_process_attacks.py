"""Process and resource attacks: fork and memory bombs, runaway loops, signals, leftovers, limits.

Each test grades the correct submission with one hostile snippet (tests/attacks/submissions/proc_*.py)
in the strict sandbox and checks what the attack saw (its `ATTACK:` lines), how the attacked check
was scored (0 and a message that says why), that the untouched check still passes (the runner is
restarted after a kill) and that nothing was left running. The grader is this test process: that
each test reaches its asserts is the proof that it survived.

A fork bomb is held by the job's pids cgroup, not by RLIMIT_NPROC (which counts every process of
the uid `sandbox`, across jobs): test_fork_bomb_does_not_starve_a_concurrent_job grades a second
submission while a bomb holds every slot it can get.
"""
import os
import re
import resource
import sys
import threading
import time

import pytest

from grader.isolation.cputime import WallBound
from grader.isolation.sandbox import plan
from tests.attacks.helpers import ATTACKED, DIED, STRICT, UNTOUCHED, by_id, contained, grade_strict
from tests.helpers.isolation import leftover_processes
from tests.helpers.paths import read_submission

pytestmark = pytest.mark.slow

SHORT = WallBound(factor=1.0, floor_s=2.0)      # for attacks that sleep: stopped 2 s past the limit, not 30


def unique_marker():
    """A `sleep` duration nobody else uses, to find the attack's processes by command line."""
    whole, fraction = 500 + int.from_bytes(os.urandom(2), 'big') % 400, int.from_bytes(os.urandom(3), 'big')
    return '%d.%d' % (whole, 10 ** 8 + fraction)


def bomb_went_off(marker, bomb, timeout_s=15):
    """Wait until the bomb's `sleep` processes stop multiplying (fork is refused everywhere)."""
    counts, deadline = [], time.monotonic() + timeout_s
    while time.monotonic() < deadline and bomb.is_alive():
        counts.append(len(leftover_processes(marker)))
        if len(counts) >= 4 and counts[-1] >= 20 and len(set(counts[-4:])) == 1:
            return True
        time.sleep(0.1)
    return False


def host_paths_named(fragment, top='/tmp', depth=3):
    """Paths under `top` (at most `depth` levels down) whose name holds `fragment`."""
    found = []
    for root, dirs, files in os.walk(top):
        found += [os.path.join(root, name) for name in dirs + files if fragment in name]
        if root.count(os.sep) - top.count(os.sep) >= depth - 1:
            dirs[:] = []
    return found


def assert_correct_submission_still_full_marks():
    report = grade_strict(read_submission('correct_vectorized'))
    assert [c.status for c in report.checks] == ['passed', 'passed'], report.table()
    assert report.score == report.max_score > 0


def test_fork_bomb_is_capped_and_leaves_nothing(attack):
    marker = unique_marker()
    # the limit is CPU time: 60 forks of a process that holds torch take 0.6 s alone and more than 4 s of wall
    # clock beside the training and CLI attack tests of a full run, but not 4 s of CPU
    report = grade_strict(attack('proc_fork_bomb', marker=marker), timeout_cap_s=4)
    out = contained(report, 'timeout', 'stride 1, pad 0: timed out after 4 s')
    found = re.search(r'ATTACK: fork bomb: the first process forked (\d+) times, then '
                      r'\[Errno 11\] Resource temporarily unavailable', out)
    assert found, out                               # fork itself was refused: the pids limit held
    assert 1 <= int(found.group(1)) < 64
    assert by_id(report)[ATTACKED].duration_s < WallBound().of(4)       # the CPU limit ended it
    assert leftover_processes(marker) == []
    assert_correct_submission_still_full_marks()
    assert leftover_processes(marker) == []


def test_fork_bomb_does_not_starve_a_concurrent_job(attack):
    marker = unique_marker()
    bombed = {}
    bomb = threading.Thread(target=lambda: bombed.update(
        report=grade_strict(attack('proc_fork_bomb', marker=marker), only=(ATTACKED,), timeout_cap_s=8)))
    bomb.start()
    try:
        assert bomb_went_off(marker, bomb), 'the bomb did not go off'
        assert_correct_submission_still_full_marks()     # another student's job, graded meanwhile
        assert len(leftover_processes(marker)) >= 20     # ... while the bomb still held its slots
    finally:
        bomb.join(timeout=WallBound().of(8) + 30)
        assert leftover_processes(marker) == []
    assert by_id(bombed['report'])[ATTACKED].status == 'timeout'


def test_memory_bomb_is_killed_by_the_memory_limit(attack):
    report = grade_strict(attack('proc_memory_bomb'), timeout_cap_s=30)
    out = contained(report, 'error', DIED + 'the process ran out of memory (limit 4096 MiB)')
    held = [int(n) for n in re.findall(r'ATTACK: memory bomb holds (\d+) MiB', out)]
    assert held and held[0] == 256 and max(held) < 4096, out     # it really allocated, then was cut off
    assert 'got all 16 GiB' not in out and 'refused' not in out      # killed, not told no
    assert by_id(report)[ATTACKED].duration_s < 30
    assert_correct_submission_still_full_marks()


def test_address_space_limit_refuses_one_huge_allocation(attack):
    report = grade_strict(attack('proc_address_space'))
    checks = by_id(report)
    message = checks[ATTACKED].message
    assert message.startswith("stride 1, pad 0: RuntimeError: [enforce fail at alloc_cpu.cpp:127] err == 0. "
                              "DefaultCPUAllocator: can't allocate memory: you tried to allocate 8589934592 bytes")
    assert message.endswith('(your file line 26, in forward: huge = torch.empty(1 << 30, dtype=torch.float64))')
    out = contained(report, 'error', message)
    assert out.startswith('ATTACK: address space: 8 GiB refused (RLIMIT_AS 6144 MiB): RuntimeError:'), out
    assert 'got 8 GiB' not in out


def test_infinite_loop_times_out_and_the_runner_is_replaced(attack):
    report = grade_strict(attack('proc_infinite_loop'), timeout_cap_s=2)
    out = contained(report, 'timeout', 'stride 1, pad 0: timed out after 2 s')
    assert out == 'ATTACK: infinite loop starts'
    # 2 s of CPU take one thread at least 2 s (more on a loaded machine); the wall bound did not end it
    assert 1.9 <= by_id(report)[ATTACKED].duration_s < WallBound().of(2)


def test_ignoring_sigterm_does_not_outlive_the_timeout(attack):
    marker = unique_marker()
    report = grade_strict(attack('proc_ignore_sigterm', marker=marker), timeout_cap_s=2, wall_bound=SHORT)
    # it sleeps: the wall bound stops it, twice (the second time in a fresh runner)
    message = by_id(report)[ATTACKED].message
    assert re.fullmatch(r'stride 1, pad 0: stopped by the wall clock after 4 s, having used only 0\.\d s of its 2 s '
                        r'of CPU time \(on both tries, the second in a fresh process\): the code waited \(sleep, a '
                        r'blocked read\) or the grading machine was overloaded', message), message
    out = contained(report, 'timeout', message)
    assert re.fullmatch(r'ATTACK: ignore sigterm: survived my own SIGTERM; child sleep pid \d+; now sleeping', out)
    assert 4 <= by_id(report)[ATTACKED].duration_s < 6          # SIGKILL at the bound, not a polite request
    assert leftover_processes(marker) == []                     # nor its SIGTERM-proof children
    assert_correct_submission_still_full_marks()


def test_orphaned_grandchild_in_its_own_session_is_killed(attack):
    marker = unique_marker()
    report = grade_strict(attack('proc_orphan_child', marker=marker))
    checks = by_id(report)
    # The attack costs the student nothing (Conv.forward is still right): what matters is the leftover.
    assert [c.status for c in report.checks] == ['passed', 'passed'], report.table()
    out = checks[ATTACKED].output
    assert re.fullmatch(r"ATTACK: orphan child: sleep %s running as pid \['\d+'\] in its own session, parent gone"
                        % re.escape(marker), out), out
    assert leftover_processes(marker) == []
    assert_correct_submission_still_full_marks()


def test_returning_a_huge_tensor_is_refused_unread(attack):
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = grade_strict(attack('proc_huge_return'))
    out = contained(report, 'error', DIED + 'the runner sent a reply larger than 256 MiB')
    assert out == 'ATTACK: huge return: returning a 384 MiB tensor'
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) >> 10
    assert grown_mib < 128                                      # the grader never read the 384 MiB


def test_printing_gigabytes_is_capped_at_the_file_size_limit(attack):
    report = grade_strict(attack('proc_print_flood'))
    checks = by_id(report)
    message = 'stride 1, pad 0: OSError: [Errno 27] File too large (your file line 28, in forward: print(line))'
    out = contained(report, 'error', message)
    assert out.endswith('ATTACK: print flood stopped after 64 MiB: OSError: [Errno 27] File too large')
    cut = int(re.search(r'\[\.\.\. (\d+) characters cut \.\.\.\]', out).group(1))
    assert 60 << 20 < cut + 2000 <= 64 << 20                    # captured: at most RLIMIT_FSIZE
    assert len(out) < 3000 and checks[ATTACKED].duration_s < 5


def test_os_exit_in_the_middle_of_a_check(attack):
    report = grade_strict(attack('proc_exit_midcheck'))
    out = contained(report, 'error', DIED + 'the process exited with status 0')
    assert out == 'ATTACK: exit calling os._exit(0) in the middle of Conv.forward'


def test_sys_exit_at_import_is_an_import_error(attack):
    report = grade_strict(attack('proc_sys_exit_import'))
    assert report.submission_error == ('could not import your file: SystemExit: 3 '
                                       '(your file line 11, in <module>: sys.exit(3))')
    assert [(c.status, c.score, c.message) for c in report.checks] == \
        [('error', 0.0, 'not run: your file could not be imported (see the error above)')] * 2


def test_os_exit_at_import_is_an_import_error(attack):
    report = grade_strict(attack('proc_exit_import'))
    assert report.submission_error == 'importing your file ended the process: the process exited with status 0'
    assert [(c.status, c.score, c.message) for c in report.checks] == \
        [('error', 0.0, 'not run: your file could not be imported (see the error above)')] * 2


def test_killing_the_parent_reaches_nothing_outside_the_sandbox(attack):
    grader_pid, grader_parent = os.getpid(), os.getppid()
    report = grade_strict(attack('proc_kill_parent'))
    out = contained(report, 'error', DIED + 'the process was killed by signal SIGKILL')
    assert out.splitlines() == [
        'ATTACK: kill parent: SIGKILL to parent pid 1 -> no error; ppid now 1',     # the namespace's init
        'ATTACK: kill parent: SIGKILL to pid 1 -> no error; ppid now 1',            # ignores it
        'ATTACK: kill parent: SIGKILL to every process (-1) -> ProcessLookupError: [Errno 3] No such process; '
        'ppid now 1',                                                               # nobody else visible
        'ATTACK: kill parent: still alive, now killing my own process group']       # only itself died
    assert (os.getpid(), os.getppid()) == (grader_pid, grader_parent)
    assert_correct_submission_still_full_marks()


def test_file_descriptor_exhaustion_stops_at_the_limit(attack):
    report = grade_strict(attack('proc_fd_exhaust'))
    checks = by_id(report)
    attacked = checks[ATTACKED]
    assert (attacked.status, attacked.score) == ('error', 0.0)
    assert attacked.message.startswith("stride 1, pad 0: OSError: [Errno 24] Too many open files: '/dev/null'")
    found = re.fullmatch(r"ATTACK: fd exhaust: opened (\d+) descriptors, then \[Errno 24\] Too many open "
                         r"files: '/dev/null'", attacked.output)
    assert found and 64 < int(found.group(1)) < 128, attacked.output


def test_file_descriptor_exhaustion_does_not_break_the_next_check(attack):
    report = grade_strict(attack('proc_fd_exhaust'))
    untouched = by_id(report)[UNTOUCHED]
    assert untouched.status == 'passed', untouched.message


def test_hard_rlimits_cannot_be_raised(attack):
    report = grade_strict(attack('proc_raise_rlimits'))
    assert [c.status for c in report.checks] == ['passed', 'passed'], report.table()   # nothing gained
    lines = by_id(report)[ATTACKED].output.splitlines()
    refused = 'refused (ValueError: not allowed to raise maximum limit)'
    c = STRICT
    nproc = c.processes_per_uid if plan(STRICT).cgroup else c.processes
    limits = [('RLIMIT_CPU', (c.cpu_time_s, c.cpu_time_s + 5)), ('RLIMIT_NPROC', (nproc, nproc)),
              ('RLIMIT_FSIZE', (c.file_size_mib << 20,) * 2), ('RLIMIT_NOFILE', (c.open_files,) * 2),
              ('RLIMIT_AS', (c.address_space_mib << 20,) * 2), ('RLIMIT_CORE', (0, 0))]
    assert lines == ['ATTACK: rlimit %s %s -> %s; now %s' % (name, value, refused, value)
                     for name, value in limits] + [
        'ATTACK: rlimit prlimit(NPROC, inf) via libc -> rc -1 errno 1',              # EPERM
        'ATTACK: rlimit raised: none']


def test_filling_tmp_fills_only_the_sandbox_tmpfs(attack, isolation):
    marker = 'procfill-' + os.urandom(6).hex()
    report = grade_strict(attack('proc_fill_tmp', marker=marker))
    message = ('stride 1, pad 0: OSError: [Errno 28] No space left on device '
               '(your file line 31, in forward: f.write(block))')
    out = contained(report, 'error', message)
    lines = out.splitlines()
    # a fresh, private /tmp; the fork server mounts the Python environment at its own path, so one that
    # lives under /tmp (a checkout in /tmp) shows its top folder there, read-only
    held = [sys.prefix.split('/')[2]] if isolation == 'forkserver' and sys.prefix.startswith('/tmp/') else []
    assert lines[0] == 'ATTACK: fill tmp: /tmp held %s at the start' % held
    found = re.fullmatch(r'ATTACK: fill tmp: wrote (\d+) MiB to /tmp/%s, then \[Errno 28\] No space left on '
                         r'device' % marker, lines[1])
    assert found and 100 <= int(found.group(1)) <= 128, out                         # the 128 MiB tmpfs
    assert host_paths_named(marker) == []                                           # nothing on the host


@pytest.mark.parametrize('name, call', [('proc_ptrace', 'ptrace(PTRACE_TRACEME)'),
                                        ('proc_mount', 'mount("none", "/job", "tmpfs")'),
                                        ('proc_unshare', 'unshare(CLONE_NEWUSER | CLONE_NEWNS)')])
def test_forbidden_system_call_kills_the_runner(attack, name, call):
    report = grade_strict(attack(name))
    out = contained(report, 'error', DIED + 'the process was killed by signal SIGSYS (a forbidden system call)')
    assert out == 'ATTACK: %s: calling %s' % (name[len('proc_'):], call)         # never returned


def test_busy_threads_are_stopped_by_the_cpu_time_limit(attack):
    report = grade_strict(attack('proc_busy_threads', lower_cpu_limit=True), timeout_cap_s=20)
    out = contained(report, 'error', DIED + 'the process was killed by signal SIGXCPU (the CPU-time limit)')
    assert re.fullmatch(r'ATTACK: busy threads: 4 spinning, soft CPU limit \d+ s \(hard 905 s\)', out), out
    assert by_id(report)[ATTACKED].duration_s < 20               # the CPU limit, not the timeout, ended it


def test_busy_threads_are_stopped_by_the_timeout(attack):
    report = grade_strict(attack('proc_busy_threads', lower_cpu_limit=False), timeout_cap_s=2)
    out = contained(report, 'timeout', 'stride 1, pad 0: timed out after 2 s')      # CPU time of all threads
    assert out == 'ATTACK: busy threads: 4 spinning, soft CPU limit 900 s (hard 905 s)'
    assert by_id(report)[ATTACKED].duration_s < WallBound().of(2)
