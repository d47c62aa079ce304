"""The two ways a strict runner starts, and what a test looks for after grading: processes, cgroups."""
import os
import pwd
import subprocess

from grader.isolation import sandbox
from grader.isolation.sandbox import SandboxConfig

# the two ways a strict runner starts: bubblewrap, or forked by the fork server
RUNNER_KINDS = {'bwrap': SandboxConfig(mode='strict'), 'forkserver': SandboxConfig(mode='strict', fork_server=True)}


def leftover_processes(marker):
    """Live processes of the sandbox user whose command line holds `marker` (a unique string the
    attack puts there). Zombies are dead, only waiting for the host's init to reap them."""
    uid = pwd.getpwnam('sandbox').pw_uid
    out = subprocess.run(['ps', '-o', 'pid=,stat=,args=', '-u', str(uid)], capture_output=True, text=True)
    return [line for line in out.stdout.strip().splitlines()
            if marker in line and line.split()[1][0] != 'Z']


def cgroups_of(pid):
    """The job cgroups (v2 and v1) named after the grading process pid."""
    parents = [os.path.join(sandbox.CGROUP_V2, 'grader')] + [os.path.join(d, 'grader')
                                                             for d in sandbox.CGROUP_V1.values()]
    return [os.path.join(p, n) for p in parents if os.path.isdir(p)
            for n in os.listdir(p) if n.startswith('job-%d.' % pid)]
