"""Job folders and cgroups left behind by a grading process that died before its teardown (SIGKILL, OOM).

Their names carry the owner's tag (pid and start time). sweep() ends the processes still in an orphan's
cgroup, removes the cgroup and deletes the folder; anything whose owner still runs is left alone. Tags are
only meaningful within one pid namespace: a job folder must not be shared between hosts or containers.
"""
import os
import shutil
import tempfile

from . import sandbox
from .owner import is_tagged, owner_alive, start_time


def _orphans(parent):
    try:
        names = os.listdir(parent)
    except OSError:
        return []
    return sorted(name for name in names if is_tagged(name) and not owner_alive(name))


def _cgroup_parents():
    return [os.path.join(sandbox.CGROUP_V2, 'grader')] + [os.path.join(d, 'grader')
                                                         for d in sandbox.CGROUP_V1.values()]


def sweep(base_dir=None):
    """Remove what dead owners left; returns the paths removed (cgroups first, then job folders)."""
    removed = []
    if start_time(os.getpid()) is None:             # no /proc to tell the living from the dead
        return removed
    for parent in _cgroup_parents():
        for name in _orphans(parent):
            path = os.path.join(parent, name)
            sandbox.Cgroup.existing([path]).remove(timeout_s=2.0)
            if not os.path.exists(path):
                removed.append(path)
    base = base_dir or tempfile.gettempdir()
    for name in _orphans(base):
        path = os.path.join(base, name)
        if name.startswith('grade-') and os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
