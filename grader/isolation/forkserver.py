"""Trusted side of the fork server (grader/runner/zygote.py): start it, ask it for runners, learn how they end.

One zygote per grading process and sandbox plan, started on first use. A runner it forks looks like a
subprocess.Popen to grader.isolation.launch.Runner: pid, poll(), wait(timeout) and returncode (negative: a signal).
"""
import json
import os
import socket
import subprocess
import sys
import threading

from . import sandbox

ZYGOTE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'runner', 'zygote.py')
START_TIMEOUT_S = 120.0


class ForkedProcess:
    """A runner forked by the zygote, seen through what the zygote reports."""

    def __init__(self, server, ident):
        self.server, self.ident = server, ident
        self.pid = None
        self.returncode = None

    def _ended(self, status):
        self.returncode = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.waitstatus_to_exitcode(status)

    def poll(self):
        with self.server.changed:
            return self.returncode

    def wait(self, timeout=None):
        with self.server.changed:
            if not self.server.changed.wait_for(lambda: self.returncode is not None or not self.server.alive,
                                                timeout):
                raise subprocess.TimeoutExpired('zygote child', timeout)
        return self.returncode if self.returncode is not None else -9


class ForkServer:
    def __init__(self, env):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.proc = subprocess.Popen([sys.executable, '-I', '-u', '-B', ZYGOTE, '--control-fd', str(theirs.fileno())],
                                     pass_fds=[theirs.fileno()], env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        theirs.close()
        self.sock = ours
        self.sock.settimeout(START_TIMEOUT_S)
        try:
            ready = json.loads(self.sock.recv(1 << 16) or b'{}')
        except (OSError, ValueError):
            ready = {}
        if not ready.get('ready'):
            self.proc.kill()
            raise sandbox.SandboxUnavailable('the fork server did not start: %s' % ready.get('error', 'no answer'))
        self.sock.settimeout(None)
        self.alive = True
        self.changed = threading.Condition()
        self.children = {}
        self.next_id = 0
        self.send_lock = threading.Lock()
        threading.Thread(target=self._listen, daemon=True, name='zygote-listener').start()

    def _listen(self):
        while True:
            try:
                data = self.sock.recv(1 << 16)
            except OSError:
                data = b''
            with self.changed:
                if not data:
                    self.alive = False
                    self.changed.notify_all()
                    return
                message = json.loads(data)
                child = self.children.get(message['id'])
                if child is not None:
                    if 'pid' in message:
                        child.pid = message['pid']
                    if 'status' in message:
                        child._ended(message['status'])
                        del self.children[message['id']]
                self.changed.notify_all()

    def spawn(self, spec, fds, timeout_s=30.0):
        """Ask for one runner (spec: see zygote.py) -> ForkedProcess once it has a pid."""
        with self.changed:
            self.next_id += 1
            child = ForkedProcess(self, self.next_id)
            self.children[child.ident] = child
        with self.send_lock:
            socket.send_fds(self.sock, [json.dumps(dict(spec, id=child.ident)).encode()], list(fds))
        with self.changed:
            if not self.changed.wait_for(lambda: child.pid is not None or child.returncode is not None
                                         or not self.alive, timeout_s):
                raise sandbox.SandboxUnavailable('the fork server did not answer in %g s' % timeout_s)
            if child.pid is None:
                raise sandbox.SandboxUnavailable('the fork server is gone')
        return child



_servers = {}
_lock = threading.Lock()


def server_for(plan, env):
    """This process's fork server for a plan (restarted if it died)."""
    key = (os.getpid(), plan.config)
    with _lock:
        server = _servers.get(key)
        if server is None or not server.alive or server.proc.poll() is not None:
            server = _servers[key] = ForkServer(env)
        return server


def spawn(plan, files, device, nice, descriptors, cgroup_dirs, env):
    """A sandboxed runner for a RunnerFiles, forked from the plan's zygote -> ForkedProcess.
    descriptors: (command pipe read end, reply pipe write end, stdout file, stderr file)."""
    c = plan.config
    on_usr = os.path.commonpath([sys.prefix, '/usr']) == '/usr'      # already inside with /usr
    spec = {'uid': plan.uid, 'gid': plan.gid, 'cgroups': list(cgroup_dirs), 'nice': nice,
            'venv': None if on_usr else sys.prefix,
            'submission': files.submission_dir, 'tmp_size_mib': c.tmp_size_mib, 'device': device,
            'seccomp': c.seccomp, 'env': dict(env, PWD=sandbox.JOB_ROOT), 'limits': sandbox.rlimits(plan),
            'gpu_nodes': sandbox.gpu_nodes() if c.gpu else []}
    return server_for(plan, env).spawn(spec, descriptors)
