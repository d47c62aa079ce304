"""Which process made a job folder or cgroup: its pid and start time, written into the name."""
import os
import re

_NAME = re.compile(r'^(?:grade|job|probe)-(\d+)\.(\d+)-')


def stat_field(pid, index):
    """A number from /proc/PID/stat (index counted after the command name: 1 = parent pid, 19 = start time),
    or None when there is no such process."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            return int(f.read().rsplit(')', 1)[1].split()[index])
    except (OSError, IndexError, ValueError):
        return None


def start_time(pid):
    """The process's start time in clock ticks since boot, or None when there is no such process."""
    return stat_field(pid, 19)


def owner_tag(pid=None):
    pid = os.getpid() if pid is None else pid
    return '%d.%d' % (pid, start_time(pid) or 0)


def is_tagged(name):
    return _NAME.match(name) is not None


def owner_alive(name):
    """True for a name made by a process that still runs (or a name that is not a tagged one)."""
    m = _NAME.match(name)
    return m is None or start_time(int(m.group(1))) == int(m.group(2))
