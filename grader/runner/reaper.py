"""Pid 1 of the sandbox's namespaces: forks the runner, then only reaps, held to the runner's own restrictions.

Pid 1 shares the student's uid, so it must never be weaker than the student code: it takes the same rlimits,
uid, no-new-privileges and seccomp filter before the runner may go on, and it is not dumpable, so that the
student can neither read nor write its memory through /proc/1/mem nor take its descriptors (issue 13).
"""
import ctypes
import os
import resource
import signal

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38
libc = ctypes.CDLL(None, use_errno=True)


def _prctl(option, value, what):
    if libc.prctl(option, value, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, '%s: %s' % (what, os.strerror(err)))


def fork_gated():
    """Fork; the child returns 0 only once the parent called the returned release() (after confining itself);
    the parent gets (child pid, release)."""
    gate_r, gate_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(gate_w)
        if os.read(gate_r, 1) != b'1':            # the parent failed to confine itself: never go on
            os._exit(1)
        os.close(gate_r)
        return 0, None
    os.close(gate_r)

    def release():
        os.write(gate_w, b'1')
        os.close(gate_w)
    return pid, release


def drop(limits=(), uid=None, gid=None, dumpable=False):
    """The runner's rlimits, its uid for good (None: keep this one) and no new privileges. The runner itself is
    dumpable again, as after an exec (its own /proc files stay its own); pid 1 is not."""
    for name, value in limits:
        resource.setrlimit(getattr(resource, name), tuple(value))
    if uid is not None:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    _prctl(PR_SET_NO_NEW_PRIVS, 1, 'no_new_privs')
    _prctl(PR_SET_DUMPABLE, int(dumpable), 'dumpable')


def confine(limits=(), uid=None, gid=None, seccomp=True):
    """This process (pid 1) from now on: the runner's rlimits and uid, no new privileges, not dumpable, every
    signal at its default (pid 1 then ignores what its namespace sends it), the runner's seccomp filter."""
    drop(limits, uid, gid)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 'pdeathsig')     # a uid change clears it: die with the parent
    for sig in signal.valid_signals():
        if sig not in (signal.SIGKILL, signal.SIGSTOP):
            try:
                signal.signal(sig, signal.SIG_DFL)
            except (OSError, ValueError):
                pass
    if seccomp:
        import confine as filters
        filters.install()


def reap(runner_pid):
    """Reap every child (orphans are re-parented here) until the runner ends -> its wait status."""
    while True:
        ended, status = os.wait()
        if ended == runner_pid:
            return status


def exit_like(status):
    """Pid 1's exit for the runner's wait status: a signal cannot end pid 1 from inside, so 128 + n
    (bubblewrap's own convention) or the runner's exit code."""
    if os.WIFSIGNALED(status):
        os._exit(128 + os.WTERMSIG(status))
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def become_init(seccomp):
    """In the bubblewrap runner started as pid 1 (--as-pid-1): fork the runner, which returns from here;
    this process confines itself, reaps and exits like the runner. Inherits bubblewrap's rlimits and uid."""
    pid, release = fork_gated()
    if pid == 0:
        return
    try:
        confine(seccomp=seccomp)
    except BaseException as exc:
        os.write(2, ('sandbox init failed: %s\n' % exc).encode())
        os._exit(1)                                # the gate closes unopened: the runner never starts
    release()
    exit_like(reap(pid))
