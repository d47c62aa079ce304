"""Job folders and cgroups are named after the process that made them (pid and start time)."""
import os
import subprocess
import sys

from grader.isolation.owner import is_tagged, owner_alive, owner_tag, start_time


def test_a_running_process_owns_its_names():
    tag = owner_tag()
    assert tag.startswith('%d.' % os.getpid()) and start_time(os.getpid()) > 0
    assert is_tagged('grade-%s-abc' % tag) and owner_alive('grade-%s-abc' % tag)
    assert owner_alive('job-%s-0123' % tag) and owner_alive('probe-%s-0123' % tag)


def test_an_ended_process_or_a_reused_pid_owns_nothing():
    child = subprocess.Popen([sys.executable, '-c', 'import sys; sys.stdin.read()'], stdin=subprocess.PIPE)
    tag = owner_tag(child.pid)
    assert owner_alive('grade-%s-x' % tag)
    child.communicate(b'')
    assert not owner_alive('grade-%s-x' % tag)                         # ended and reaped
    pid, start = owner_tag().split('.')
    assert not owner_alive('grade-%s.%d-x' % (pid, int(start) + 1))   # same pid, another start: reused


def test_untagged_names_are_never_taken_for_orphans():
    for name in ('grade-abc123', 'job-0123abcd', 'grade-12.x-y', 'other-1.2-x', 'grade-1.2'):
        assert not is_tagged(name) and owner_alive(name)
