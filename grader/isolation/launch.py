"""Trusted side of the runner protocol: start the sandboxed runner, talk to it, kill it.

Messages are one JSON line plus `payload` bytes each way; replies are size-capped and
read within a cputime.Limit (CPU seconds of the runner's processes, counted here, and a wall-clock
bound). The runner runs in its own session (the whole group can be killed)
with a clean environment, inside the layers grader/isolation/sandbox.py sets up.
"""
import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import termios
import time

from . import forkserver, sandbox
from .captured import Captured
from .cputime import Clock, Limit, descendants
from .protocol import read_json
from ..text import one_line

RUNNER_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'runner')
MAX_REPLY_BYTES = 256 * 1024 * 1024
READ_GRACE_S = 2.0


class RunnerGone(Exception):
    """The runner exited, closed its pipe or broke the protocol before answering."""


class RunnerTimeout(Exception):
    """The runner did not answer in time; over: the limit it reached ('cpu' or 'wall')."""

    def __init__(self, over='wall'):
        super().__init__()
        self.over = over


def clean_env(home):
    return {'PATH': '/usr/bin:/bin', 'LANG': 'C.UTF-8', 'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1',
            'PYTHONDONTWRITEBYTECODE': '1', 'PYTHONHASHSEED': '0', 'MPLBACKEND': 'Agg', 'HOME': home}


SIGNAL_CAUSES = {'SIGSYS': 'a forbidden system call', 'SIGXCPU': 'the CPU-time limit',
                 'SIGXFSZ': 'the file-size limit', 'SIGSEGV': 'a segmentation fault',
                 'SIGABRT': 'an abort', 'SIGBUS': 'a bus error', 'SIGFPE': 'an arithmetic fault'}


def killed_by(number):
    try:
        name = signal.Signals(number).name
    except ValueError:
        return 'the process was killed by signal %d' % number
    cause = SIGNAL_CAUSES.get(name)
    return 'the process was killed by signal %s%s' % (name, ' (%s)' % cause if cause else '')


def _widen(fd, size=1 << 20):
    """A 1 MiB pipe instead of 64 KiB: big tensors cross in fewer wake-ups (where the system allows)."""
    try:
        fcntl.fcntl(fd, 1031, size)                   # F_SETPIPE_SZ
    except OSError:
        pass


def _niced(preexec, nice):
    if not nice:
        return preexec

    def run():
        os.nice(nice)
        preexec()
    return run


def _read_header(header):
    """A reply's JSON line -> a dict with an int 'payload'; RunnerGone for anything else (strict JSON, bounded
    nesting: see protocol.read_json)."""
    try:
        reply = read_json(header)
    except ValueError as exc:
        raise RunnerGone('the runner sent an unreadable reply (%s)' % one_line(exc, 100)) from None
    if not isinstance(reply, dict) or type(reply.get('payload')) is not int:
        raise RunnerGone('the runner sent an unreadable reply (no payload size)')
    return reply


class Runner:
    """One runner process serving one submission's checks in order."""

    def __init__(self, files, device, plan, nice=0):
        """nice > 0: a low CPU priority while it warms up in the pool (see prioritise)."""
        self.files, self.plan = files, plan
        cmd_r, self._cmd_w = os.pipe()
        self._reply_r, reply_w = os.pipe()
        for fd in (cmd_r, reply_w):
            _widen(fd)
        cap = plan.config.output_mib << 20
        self.stdout, self.stderr = Captured('stdout', cap), Captured('stderr', cap)
        self.cgroup = sandbox.Cgroup(plan.cgroup, 'job', plan.config) if plan.cgroup else None
        if plan.strict and plan.config.fork_server:
            self.proc = forkserver.spawn(plan, files, device, nice, (cmd_r, reply_w, self.stdout.fileno(),
                                                                    self.stderr.fileno()),
                                         self.cgroup.dirs if self.cgroup else (), clean_env(sandbox.JOB_ROOT))
        else:
            self.proc = self._popen(files, device, plan, nice, cmd_r, reply_w)
        os.close(cmd_r)
        os.close(reply_w)
        os.set_blocking(self._cmd_w, False)
        self._buffer = bytearray()          # appends are amortised: big replies arrive 64 KiB at a time
        self.cpu_clock = Clock(self.proc.pid, self.cgroup.dirs if self.cgroup else ())
        self.answered_at = time.monotonic()  # when the last reply was read: the runner's next task began by then
        self.answered_cpu = self.cpu_clock()  # its CPU seconds then

    def _popen(self, files, device, plan, nice, cmd_r, reply_w):
        if plan.strict:
            inside = sandbox.JOB_ROOT
            sub, run_dir, cwd = inside + '/submission', inside + '/runner', None
        else:
            sub, run_dir, cwd = files.submission_dir, files.runner_dir, files.scratch_dir
        args = ['-u', '-B', os.path.join(run_dir, 'main.py'), '--submission', sub, '--device', device,
                '--cmd-fd', str(cmd_r), '--reply-fd', str(reply_w)] + (['--seccomp'] if plan.config.seccomp else [])
        if plan.strict:
            args.append('--init')           # pid 1 of bubblewrap's namespaces is ours (--as-pid-1), held to our limits
            env = clean_env(sandbox.JOB_ROOT)
            argv = sandbox.bwrap_argv(plan, [(files.submission_dir, sub), (files.runner_dir, run_dir)], args, env)
        else:
            env = clean_env(files.scratch_dir)
            argv = [sandbox.python_inside(plan)] + args
        return subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=self.stdout, stderr=self.stderr,
            pass_fds=(cmd_r, reply_w), start_new_session=True,
            preexec_fn=_niced(sandbox.preexec(plan, self.cgroup.dirs if self.cgroup else ()), nice))

    def request(self, obj, timeout_s):
        """Send one command without payload (None: just wait), return (reply, payload) within timeout_s of wall
        clock (our own work: the runner's start); RunnerTimeout / RunnerGone."""
        limit = Limit.wall(timeout_s)
        if obj is not None:
            self.send(obj, limit.wall_start + timeout_s)
        return self.receive(limit)

    def send(self, obj, deadline, payload=(0, ())):
        """One command by a wall-clock deadline (a runner reads its commands between checks);
        payload: (size, buffers) as grader.runner.wire.encode returns."""
        size, parts = payload
        self._write_all(json.dumps(dict(obj, payload=size)).encode() + b'\n', deadline)
        for part in parts:
            self._write_all(part, deadline)

    def room(self):
        """Free bytes in the command pipe: a command that fits is written without waiting."""
        try:
            queued = struct.unpack('i', fcntl.ioctl(self._cmd_w, termios.FIONREAD, b'\0' * 4))[0]
            return fcntl.fcntl(self._cmd_w, 1032) - queued        # F_GETPIPE_SZ
        except OSError:
            return 0

    def receive(self, limit):
        """The next (reply, payload) within a cputime.Limit; RunnerTimeout / RunnerGone."""
        self._read_until(lambda: b'\n' in self._buffer, limit, 1 << 20)
        end = self._buffer.index(b'\n')
        header = bytes(self._buffer[:end])
        del self._buffer[:end + 1]
        reply = _read_header(header)
        size = reply['payload']
        if not 0 <= size <= MAX_REPLY_BYTES:
            raise RunnerGone('the runner sent a reply larger than %d MiB' % (MAX_REPLY_BYTES >> 20))
        self._read_until(lambda: len(self._buffer) >= size, limit, size)
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        self.answered_at, self.answered_cpu = time.monotonic(), self.cpu_clock()
        return reply, data

    def _write_all(self, data, deadline):
        view = memoryview(data).cast('B')
        while view:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RunnerTimeout()
            _, ready, _ = select.select([], [self._cmd_w], [], left)
            if not ready:
                continue
            try:
                view = view[os.write(self._cmd_w, view[:1 << 20]):]
            except BlockingIOError:
                continue
            except OSError:
                raise RunnerGone(self.exit_description()) from None

    def _read_until(self, done, limit, cap):
        """Read until done(). A reply already waiting in the pipe, or still flowing, is read even when this
        side comes back to it after a limit is reached (it scored the previous check meanwhile, and the
        runner went on to the next), for READ_GRACE_S."""
        grace_end = None
        while not done():
            over = limit.over()
            if over:
                grace_end = grace_end or time.monotonic() + READ_GRACE_S
                if time.monotonic() > grace_end:
                    raise RunnerTimeout(over)
            ready, _, _ = select.select([self._reply_r], [], [], 0.05 if over else limit.wait_s())
            if not ready:
                over = over or limit.over()
                if over:
                    raise RunnerTimeout(over)
                continue
            chunk = os.read(self._reply_r, 1 << 20)
            if not chunk:
                raise RunnerGone(self.exit_description())
            self._buffer += chunk
            if len(self._buffer) > cap + (1 << 20):
                raise RunnerGone('the runner sent an oversized reply')
        return True

    def exit_description(self):
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return 'the runner stopped answering'
        if self.cgroup is not None and self.cgroup.oom_killed():
            return 'the process ran out of memory (limit %d MiB)' % self.plan.config.memory_mib
        if code < 0:
            return killed_by(-code)
        if code > 128 and self.plan.strict:        # bwrap reports the child's signal as 128 + n
            return killed_by(code - 128)
        return 'the process exited with status %d' % code

    def prioritise(self):
        """Back to normal CPU priority, every thread of every process of the runner (needs root; else left
        as it is). Not by process group: bubblewrap's --new-session puts the runner in a session of its own."""
        pids = self.cgroup.pids() if self.cgroup is not None else set()
        pids |= descendants(self.proc.pid)
        for pid in pids:
            try:
                tids = os.listdir('/proc/%d/task' % pid)
            except OSError:
                continue
            for tid in tids:
                try:
                    os.setpriority(os.PRIO_PROCESS, int(tid), 0)
                except OSError:
                    pass

    def output_size(self):
        """How far stdout and stderr have got."""
        return self.stdout.end(), self.stderr.end()

    def read_output(self, start, end, limit=2000):
        """stdout then stderr between two (stdout, stderr) marks, as text."""
        return self.stdout.read(start[0], end[0], limit) + self.stderr.read(start[1], end[1], limit)

    def signal_kill(self):
        """SIGKILL to the runner's process group and everything in its cgroup; returns at once."""
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.cgroup is not None:
            self.cgroup.kill()

    def kill(self):
        """signal_kill, then wait for the end, remove the cgroup and close the pipes (again: no harm)."""
        self.signal_kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        if self.cgroup is not None:
            self.cgroup.remove()
        for fd in (self._cmd_w, self._reply_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self.stdout.close()
        self.stderr.close()
