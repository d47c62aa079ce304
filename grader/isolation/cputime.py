"""CPU time of a runner's processes, read on the trusted side (never from what the runner says), and the
limits measured with it.

Where the job has a cgroup its count is read (v2 `cpu.stat` usage_usec, v1 `cpuacct.usage`): it holds every
process that ever ran in it, ended ones too. Without one, /proc/<pid>/stat of the runner's process tree:
utime + stime + cutime + cstime of each process still there (an ended child counts once its parent reaped it).
"""
import os
import time
from dataclasses import dataclass

TICKS = os.sysconf('SC_CLK_TCK')
POLL_S = 0.25                    # the longest a waiting reader goes without looking at the CPU count


def cgroup_seconds(path):
    """CPU seconds charged to a cgroup folder (v2 or v1 cpuacct), or None where it keeps no such count."""
    try:
        with open(os.path.join(path, 'cpu.stat')) as f:
            for line in f:
                key, _, value = line.partition(' ')
                if key == 'usage_usec':
                    return int(value) / 1e6
    except (OSError, ValueError):
        pass
    try:
        with open(os.path.join(path, 'cpuacct.usage')) as f:
            return int(f.read()) / 1e9
    except (OSError, ValueError):
        return None


def process_seconds(pid):
    """utime + stime + cutime + cstime of one process (all its threads, its reaped children), or None if gone."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(')') + 2:].split()          # the name may hold spaces and parentheses
    return sum(int(v) for v in fields[11:15]) / TICKS      # fields 14-17 of proc(5)


def children(pid):
    """The children of every thread of a process."""
    found = []
    try:
        tids = os.listdir('/proc/%d/task' % pid)
    except OSError:
        return found
    for tid in tids:
        try:
            with open('/proc/%d/task/%s/children' % (pid, tid)) as f:
                found += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return found


def descendants(pid):
    """pid and every process below it that is still there (children of every thread)."""
    seen, todo = set(), [pid]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += children(current)
    return seen


def tree_seconds(pid):
    """CPU seconds of a process and every process below it that is still there."""
    return sum(process_seconds(p) or 0.0 for p in descendants(pid))


class Clock:
    """CPU seconds used so far by a runner: its cgroup's count where it has one, else its process tree's.
    Never goes back (a child that ends unreaped leaves the tree with its time)."""

    def __init__(self, pid, cgroup_dirs=()):
        self.pid = pid
        self.dirs = [d for d in cgroup_dirs if cgroup_seconds(d) is not None]
        self.last = 0.0

    def __call__(self):
        if self.dirs:
            now = cgroup_seconds(self.dirs[0])
        else:
            now = tree_seconds(self.pid)
        self.last = max(self.last, now or 0.0)
        return self.last


@dataclass(frozen=True)
class WallBound:
    """The wall-clock bound of a CPU-time limit: it only ends code that waits (sleep, a blocked read), never
    code that computes on a machine loaded a few times over. 3 x the limit lets the runner get a third of a
    core; the 30 s floor covers short limits, where a start-up or a page-cache miss weighs most."""
    factor: float = 3.0
    floor_s: float = 30.0

    def of(self, cpu_s):
        return max(self.factor * cpu_s, cpu_s + self.floor_s)


class Limit:
    """A check's limits from its start: CPU seconds of the runner's processes (clock) and a wall-clock bound.
    Without a clock only the wall clock counts (cpu_s is then not checked)."""

    def __init__(self, cpu_s, wall_s, clock=None, cpu_start=None, wall_start=None):
        self.cpu_s, self.wall_s, self.clock = cpu_s, wall_s, clock
        self.wall_start = time.monotonic() if wall_start is None else wall_start
        self.cpu_start = (clock() if clock else 0.0) if cpu_start is None else cpu_start

    @classmethod
    def wall(cls, seconds):
        return cls(float('inf'), seconds)

    def used(self):
        """(CPU seconds, wall seconds) since the start."""
        cpu = self.clock() - self.cpu_start if self.clock else 0.0
        return cpu, time.monotonic() - self.wall_start

    def over(self):
        """'cpu' or 'wall' once a limit is reached, else None."""
        cpu, wall = self.used()
        if cpu >= self.cpu_s:
            return 'cpu'
        return 'wall' if wall >= self.wall_s else None

    def wait_s(self):
        """How long a reader may wait before looking again: the CPU limit is not reached sooner, even with
        every core busy."""
        cpu, wall = self.used()
        left = (self.cpu_s - cpu) / (os.cpu_count() or 1)
        return max(0.0, min(self.wall_s - wall, max(left, 0.005), POLL_S if self.clock else float('inf')))
