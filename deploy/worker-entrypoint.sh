#!/bin/sh
# Worker containers: give the grader a cgroup v2 subtree it can delegate per job, then run the worker.
# Docker mounts the container's own cgroup (cgroupns private) read-only; with CAP_SYS_ADMIN it is remounted
# writable, this shell moves into a leaf (a cgroup with processes cannot hand controllers to its children)
# and the memory and pids controllers are enabled for the job cgroups grader/isolation/sandbox.py creates.
# Without cgroup v2 the grader falls back to rlimits only and says so in its plan.
set -e
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    mount -o remount,rw /sys/fs/cgroup 2>/dev/null || true
    if [ -w /sys/fs/cgroup/cgroup.subtree_control ]; then
        mkdir -p /sys/fs/cgroup/worker
        echo $$ > /sys/fs/cgroup/worker/cgroup.procs
        echo "+memory +pids" > /sys/fs/cgroup/cgroup.subtree_control
    fi
fi
exec "$@"
