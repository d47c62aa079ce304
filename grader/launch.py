"""Trusted side of the runner protocol: start the runner process, talk to it, kill it.

The runner is a separate process (its own session, so the whole group can be killed)
with a clean environment. The sandbox issue wraps `command` in isolation layers; nothing
else here needs to change for that.
"""
import json
import os
import select
import signal
import subprocess
import sys
import time

RUNNER_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'runner')


class RunnerGone(Exception):
    """The runner exited or closed its pipe before answering."""


class RunnerTimeout(Exception):
    """The runner did not answer in time."""


def clean_env():
    keep = {'PATH': os.environ.get('PATH', '/usr/bin:/bin'), 'LANG': 'C.UTF-8',
            'OMP_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1', 'PYTHONDONTWRITEBYTECODE': '1',
            'PYTHONHASHSEED': '0', 'MPLBACKEND': 'Agg', 'HOME': '/nonexistent'}
    return keep


class Runner:
    """One runner process serving one submission's checks in order."""

    def __init__(self, job, module, solver_module, device='cpu', python=sys.executable):
        self.job = job
        cmd_r, self._cmd_w = os.pipe()
        self._reply_r, reply_w = os.pipe()
        self.stdout = open(os.path.join(job.root, 'stdout.txt'), 'ab')
        self.stderr = open(os.path.join(job.root, 'stderr.txt'), 'ab')
        command = [python, '-u', '-B', os.path.join(job.runner_dir, 'main.py'),
                   '--submission', job.submission_dir, '--module', module,
                   '--solver-module', solver_module, '--device', device,
                   '--cmd-fd', str(cmd_r), '--reply-fd', str(reply_w)]
        self.proc = subprocess.Popen(command, cwd=job.scratch_dir, env=clean_env(), stdin=subprocess.DEVNULL,
                                     stdout=self.stdout, stderr=self.stderr, pass_fds=(cmd_r, reply_w),
                                     start_new_session=True)
        os.close(cmd_r)
        os.close(reply_w)
        self._buffer = b''

    def request(self, obj, timeout_s):
        """Send one command, wait for its reply; RunnerTimeout or RunnerGone otherwise."""
        if obj is not None:
            try:
                os.write(self._cmd_w, (json.dumps(obj) + '\n').encode())
            except OSError:
                raise RunnerGone(self.exit_description()) from None
        deadline = time.monotonic() + timeout_s
        while b'\n' not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RunnerTimeout()
            ready, _, _ = select.select([self._reply_r], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._reply_r, 65536)
            if not chunk:
                raise RunnerGone(self.exit_description())
            self._buffer += chunk
            if len(self._buffer) > 1 << 20:
                raise RunnerGone('the runner sent an oversized reply')
        line, self._buffer = self._buffer.split(b'\n', 1)
        try:
            reply = json.loads(line)
        except ValueError:
            raise RunnerGone('the runner sent an unreadable reply') from None
        if not isinstance(reply, dict):
            raise RunnerGone('the runner sent an unreadable reply')
        return reply

    def exit_description(self):
        try:
            code = self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return 'the runner stopped answering'
        if code < 0:
            return 'the process was killed by signal %s' % signal.Signals(-code).name
        return 'the process exited with status %d' % code

    def output_size(self):
        self.stdout.flush()
        self.stderr.flush()
        return os.path.getsize(self.stdout.name), os.path.getsize(self.stderr.name)

    def kill(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self._cmd_w, self._reply_r):
            try:
                os.close(fd)
            except OSError:
                pass
        self.stdout.close()
        self.stderr.close()
