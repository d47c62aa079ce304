"""The fork server: imports torch once, then forks one sandboxed runner per request.

Started by the trusted side as root with one end of a SOCK_SEQPACKET socket (--control-fd). Requests are a
JSON message with four descriptors attached (command pipe, reply pipe, stdout, stderr); it answers
{"id", "pid"} when the child exists and {"id", "status"} (a waitpid status) when it ended. It never runs
student code itself and holds nothing secret. Each request becomes three processes:

  A  (host pid namespace) joins the job's cgroup, unshares mount, pid, network, IPC, UTS and cgroup
     namespaces, forks B, and ends the way the runner ended (so its status tells signals and exit codes);
  B  (pid 1 of the new namespace) builds a fresh root (read-only /usr and virtual environment, the job's
     files read-only, tmpfs /job and /tmp, a minimal /dev, its own /proc), pivots into it, forks C, takes
     C's own restrictions (uid, rlimits, seccomp; not dumpable: reaper.py), lets C go on and reaps until C ends;
  C  sets rlimits, drops to the sandbox user without new privileges, installs the seccomp filter and serves
     the runner protocol (main.serve) with torch already imported.
Same layers as the bubblewrap path (grader/isolation/sandbox.py), minus the ~1.5 s of imports per submission.
"""
import argparse
import ctypes
import json
import os
import resource
import select
import signal
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import main as runner_main  # noqa: E402
import reaper  # noqa: E402

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS = 0x00020000, 0x02000000, 0x04000000
CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x08000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
MNT_DETACH = 2
PR_SET_PDEATHSIG = 1
SYS_PIVOT_ROOT = {'x86_64': 155, 'aarch64': 41}[os.uname().machine]
DEVICES = ('null', 'zero', 'full', 'random', 'urandom', 'tty')
JOB = '/job'


def _check(result, what):
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, '%s: %s' % (what, os.strerror(err)))


def _b(text):
    return None if text is None else text.encode()


def mount(source, target, fstype, flags, data=None):
    _check(libc.mount(_b(source), _b(target), _b(fstype), ctypes.c_ulong(flags), _b(data)), 'mount ' + target)


def bind(source, target, readonly=True, file=False, device=False):
    if file:
        open(target, 'a').close()
    else:
        os.makedirs(target, exist_ok=True)
    mount(source, target, None, MS_BIND | MS_REC)
    flags = MS_BIND | MS_REMOUNT | MS_NOSUID | (0 if device else MS_NODEV) | (MS_RDONLY if readonly else 0)
    mount(None, target, None, flags)


def build_root(spec, root):
    """The runner's whole file system, built in this process's own mount namespace, then pivoted into."""
    mount(None, '/', None, MS_REC | MS_PRIVATE)
    mount('tmpfs', root, 'tmpfs', MS_NOSUID | MS_NODEV, 'size=1m,mode=0755')
    bind('/usr', root + '/usr')
    for name in ('lib', 'lib64', 'bin', 'sbin'):
        os.symlink('usr/' + name, root + '/' + name)
    size = 'size=%d' % (spec['tmp_size_mib'] << 20)
    os.makedirs(root + JOB)
    mount('tmpfs', root + JOB, 'tmpfs', MS_NOSUID | MS_NODEV,
          '%s,mode=0755,uid=%d,gid=%d' % (size, spec['uid'], spec['gid']))
    bind(spec['submission'], root + JOB + '/submission')
    os.makedirs(root + '/tmp')
    mount('tmpfs', root + '/tmp', 'tmpfs', MS_NOSUID | MS_NODEV, size + ',mode=1777')
    os.makedirs(root + '/dev')
    mount('tmpfs', root + '/dev', 'tmpfs', MS_NOSUID | MS_NOEXEC, 'size=64k,mode=0755')
    nodes = ['/dev/' + n for n in DEVICES] + list(spec['gpu_nodes'])
    for node in nodes:
        if os.path.exists(node):
            bind(node, root + node, readonly=False, file=True, device=True)
    for name, target in (('fd', '/proc/self/fd'), ('stdin', '/proc/self/fd/0'), ('stdout', '/proc/self/fd/1'),
                         ('stderr', '/proc/self/fd/2')):
        os.symlink(target, root + '/dev/' + name)
    if spec['venv']:                                     # at its own path: torch's lazy imports find it;
        bind(spec['venv'], root + spec['venv'])          # last, as it may lie under /tmp
    if spec['gpu_nodes'] and os.path.exists('/etc/ld.so.cache'):
        os.makedirs(root + '/etc')
        bind('/etc/ld.so.cache', root + '/etc/ld.so.cache', file=True)
    os.makedirs(root + '/proc')
    os.makedirs(root + '/.old')
    _check(libc.syscall(SYS_PIVOT_ROOT, _b(root), _b(root + '/.old')), 'pivot_root')
    os.chdir('/')
    _check(libc.umount2(b'/.old', MNT_DETACH), 'umount old root')
    os.rmdir('/.old')
    mount('proc', '/proc', 'proc', MS_NOSUID | MS_NODEV | MS_NOEXEC)
    mount(None, '/', None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _check(libc.sethostname(b'sandbox', 7), 'sethostname')


def runner(spec, fds):
    """C: the runner itself."""
    cmd_r, reply_w, out, err = fds
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.dup2(os.open('/dev/null', os.O_RDONLY), 0)
    keep = {0, 1, 2, cmd_r, reply_w}
    for fd in [int(name) for name in os.listdir('/proc/self/fd')]:   # whatever the zygote held: closed
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass
    os.environ.clear()
    os.environ.update(spec['env'])
    os.chdir(JOB)
    reaper.drop(spec['limits'], spec['uid'], spec['gid'], dumpable=True)
    runner_main.serve(os.fdopen(cmd_r, 'rb'), os.fdopen(reply_w, 'wb'), JOB + '/submission', spec['device'],
                      spec['seccomp'])


def init(spec, fds, root, status_w):
    """B: pid 1 of the job's namespaces; once the runner is forked, no stronger than the runner (reaper.py)."""
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    build_root(spec, root)
    pid, release = reaper.fork_gated()
    if pid == 0:
        os.close(status_w)
        try:
            runner(spec, fds)
        except BaseException as exc:
            os.write(2, ('runner setup failed: %r\n' % exc).encode())
        finally:
            os._exit(1)
    for fd in fds:
        os.close(fd)
    reaper.confine(spec['limits'], spec['uid'], spec['gid'], spec['seccomp'])
    release()
    os.write(status_w, str(reaper.reap(pid)).encode())
    os._exit(0)


def end_like(status):
    """Exit the way a waitpid status says: killed by the same signal, or with the same code."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig not in (signal.SIGKILL, signal.SIGSTOP):    # the two whose handling cannot change
            signal.signal(sig, signal.SIG_DFL)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, [sig])
        os.kill(os.getpid(), sig)
        os._exit(128 + sig)
    os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def job(spec, fds, root, zygote):
    """A: joins the cgroup, unshares, forks B and ends like the runner."""
    os.setpgid(0, 0)                                     # its own process group (the zygote sets it too)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != zygote:
        os._exit(1)
    for path in spec['cgroups']:
        with open(os.path.join(path, 'cgroup.procs'), 'w') as f:
            f.write(str(os.getpid()))
    if spec['nice']:
        os.nice(spec['nice'])
    _check(libc.unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
                        | CLONE_NEWCGROUP), 'unshare')
    status_r, status_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(status_r)
        try:
            init(spec, fds, root, status_w)
        except BaseException as exc:                     # the sandbox could not be built: say why, on stderr
            os.write(fds[3], ('sandbox setup failed: %s\n' % exc).encode())
        finally:
            os._exit(1)
    os.close(status_w)
    for fd in fds:
        os.close(fd)
    data = b''
    while True:
        chunk = os.read(status_r, 64)
        if not chunk:
            break
        data += chunk
    _, own = os.waitpid(pid, 0)
    end_like(int(data) if data else own)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--control-fd', type=int, required=True)
    args = parser.parse_args()
    control = socket.socket(fileno=args.control_fd)
    try:
        runner_main.prepare()
        import confine
        confine._import_pyseccomp()                      # loaded before any child drops privileges
        root = tempfile.mkdtemp(prefix='grader-zygote-')  # every child mounts its own root over it
    except BaseException as exc:
        control.send(json.dumps({'error': '%s: %s' % (type(exc).__name__, exc)}).encode())
        raise SystemExit(1)
    me = os.getpid()
    children = {}
    # a child's end wakes the loop at once (its status reaches the grader, which waits for it to tear down)
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    control.send(json.dumps({'ready': True}).encode())
    while True:
        ready, _, _ = select.select([control, wake_r], [], [], 1.0)
        try:
            while os.read(wake_r, 512):
                pass
        except BlockingIOError:
            pass
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            control.send(json.dumps({'id': children.pop(pid), 'status': status}).encode())
        if control not in ready:
            continue
        message, fds, _, _ = socket.recv_fds(control, 1 << 16, 4)
        if not message:                                  # the trusted side is gone: so are we
            os.rmdir(root)
            return
        spec = json.loads(message)
        pid = os.fork()
        if pid == 0:
            try:
                signal.set_wakeup_fd(-1)                 # the zygote's: never written to in a child
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                control.close()
                job(spec, fds, root, me)
            except BaseException as exc:
                os.write(fds[3], ('sandbox setup failed: %s\n' % exc).encode())
            finally:
                os._exit(1)
        try:
            os.setpgid(pid, pid)                         # before anyone learns the pid: killpg(pid) works
        except OSError:                                  # it already did it, or already ended
            pass
        for fd in fds:
            os.close(fd)
        children[pid] = spec['id']
        control.send(json.dumps({'id': spec['id'], 'pid': pid}).encode())


if __name__ == '__main__':
    main()
