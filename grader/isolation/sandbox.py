"""Isolation layers around the runner process (trusted side).

Layers, each configurable, each on where the machine supports it:
  bubblewrap  new user/pid/net/ipc/uts/mount/cgroup namespaces, read-only /usr and interpreter,
              tmpfs /job holding only the submission, its shims and the runner, tmpfs /tmp;
  user        an unprivileged uid (`sandbox`), no new privileges (when started as root);
  rlimits     CPU seconds, processes, file size, open files, core 0, address space (CPU only);
  cgroup      memory and pids limits (v2 memory.max/pids.max, v1 fallback) when writable, and the count of
              the runner's CPU time (v2 cpu.stat, v1 cpuacct) that its checks' limits are measured in;
  seccomp     installed by the runner itself before the student module loads (runner/confine.py).
Strict mode requires bubblewrap; auto mode falls back to weak mode (no namespaces) only where
bubblewrap is not installed, and says so loudly; a bubblewrap that fails is an error.
"""
import ctypes
import functools
import glob
import os
import pwd
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
import warnings
from dataclasses import dataclass
from typing import Optional

from .owner import owner_tag

JOB_ROOT = '/job'
VENV_INSIDE = '/opt/venv'
CGROUP_V2 = '/sys/fs/cgroup'
CGROUP_V1 = {'memory': '/sys/fs/cgroup/memory', 'pids': '/sys/fs/cgroup/pids', 'cpuacct': '/sys/fs/cgroup/cpuacct'}
CGROUP_V1_NEEDED = ('memory', 'pids')      # cpuacct (the CPU-time count, grader/isolation/cputime.py) where mounted
PR_SET_NO_NEW_PRIVS = 38


class SandboxUnavailable(Exception):
    """Strict isolation was demanded but this machine cannot provide it (our problem, not the student's)."""


@dataclass(frozen=True)
class SandboxConfig:
    mode: str = 'auto'                      # strict | weak | auto (strict where bubblewrap works)
    user: Optional[str] = 'sandbox'         # run as this user when started as root; None keeps the uid
    cpu_time_s: int = 900                   # RLIMIT_CPU of one runner process
    address_space_mib: Optional[int] = 6144 # RLIMIT_AS; None on GPU workers (CUDA needs a huge space)
    processes: int = 64                     # the cgroup's pids.max; RLIMIT_NPROC where there is no cgroup
    processes_per_uid: int = 4096           # RLIMIT_NPROC with a cgroup: every job shares the uid
    file_size_mib: int = 64                 # RLIMIT_FSIZE: anything written
    output_mib: int = 64                    # stdout and stderr each, held by the trusted side (captured.py)
    open_files: int = 128                   # RLIMIT_NOFILE
    memory_mib: int = 4096                  # cgroup memory limit
    tmp_size_mib: int = 128                 # size of the tmpfs /tmp and /job
    seccomp: bool = True
    cgroup: bool = True                     # per-job memory/pids cgroup where the machine allows
    gpu: bool = False                       # bind /dev/nvidia* and skip RLIMIT_AS
    fork_server: bool = False               # strict only: runners forked from a zygote with torch imported
    bwrap: str = 'bwrap'


@dataclass(frozen=True)
class Plan:
    """What this machine can do for a config: the layers that will actually be used."""
    config: SandboxConfig
    strict: bool
    uid: Optional[int]
    gid: Optional[int]
    cgroup: Optional[str]                  # 'v2', 'v1' or None
    notes: tuple = ()

    def describe(self):
        layers = [('fork-server namespaces' if self.config.fork_server else 'bubblewrap namespaces')
                  if self.strict else 'NO namespaces (weak mode)',
                  'uid %d' % self.uid if self.uid is not None else 'same uid as the grader',
                  'rlimits', 'cgroup %s' % self.cgroup if self.cgroup else 'no cgroup',
                  'seccomp' if self.config.seccomp else 'no seccomp']
        return ', '.join(layers)


def _venv_root():
    return sys.prefix if sys.prefix != sys.base_prefix else None


def _cgroup_kind():
    if os.geteuid() != 0:
        return None
    controllers = os.path.join(CGROUP_V2, 'cgroup.controllers')
    if os.path.exists(controllers) and 'memory' in open(controllers).read().split():
        return 'v2'
    if all(os.access(CGROUP_V1[c], os.W_OK) for c in CGROUP_V1_NEEDED):
        return 'v1'
    return None


@functools.lru_cache(maxsize=None)
def plan(config):
    """Resolve a config against this machine; SandboxUnavailable when strict cannot be met."""
    notes = []
    uid = gid = None
    if config.user and os.geteuid() == 0:
        try:
            entry = pwd.getpwnam(config.user)
            uid, gid = entry.pw_uid, entry.pw_gid
        except KeyError:
            notes.append('user %r does not exist: code runs as root' % config.user)
    strict = False
    if config.mode == 'auto' and shutil.which(config.bwrap) is None:
        notes.append('no %s on PATH' % config.bwrap)
    elif config.mode in ('strict', 'auto'):
        # A failing probe is an error, never a silent downgrade (it may be another job's fork bomb).
        why = _bwrap_problem(config, uid, gid)
        if why is not None:
            raise SandboxUnavailable('strict sandbox unavailable: %s' % why)
        strict = True
    if config.mode == 'strict' and uid is None and os.geteuid() == 0:
        raise SandboxUnavailable('strict sandbox needs the unprivileged user %r (see make install)' % config.user)
    if config.fork_server and not (strict and uid is not None):
        raise SandboxUnavailable('the fork server needs the strict sandbox, root and the user %r' % config.user)
    cgroup = _usable_cgroup(config, notes) if config.cgroup else None
    result = Plan(config, strict, uid, gid, cgroup, tuple(notes))
    if not strict:
        warnings.warn('SANDBOX IN WEAK MODE: student code runs without namespaces (%s). Install bubblewrap '
                      'and use --sandbox strict for real isolation.' % '; '.join(notes or ['weak mode chosen']),
                      RuntimeWarning, stacklevel=2)
    return result


def _usable_cgroup(config, notes):
    """The cgroup version this process can create job cgroups in (tried once), or None."""
    kind = _cgroup_kind()
    if kind is None:
        return None
    try:
        Cgroup(kind, 'probe', config).remove()
    except OSError as exc:
        notes.append('cgroup %s not writable (%s): rlimits only' % (kind, exc.strerror))
        return None
    return kind


def _bwrap_problem(config, uid, gid):
    if shutil.which(config.bwrap) is None:
        return 'no %s on PATH' % config.bwrap
    probe = Plan(config, True, uid, gid, _cgroup_kind() if config.cgroup else None)
    argv = bwrap_argv(probe, ro_binds=(), python_args=['-c', 'import importlib.util as u; '
                                                       'assert u.find_spec("torch") and u.find_spec("safetensors")'])
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=30, preexec_fn=preexec(probe, None),
                              env={'PATH': '/usr/bin:/bin'})
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if proc.returncode != 0:
        return (proc.stderr.decode(errors='replace').strip().splitlines() or ['exit %d' % proc.returncode])[-1]
    return None


def python_inside(plan_):
    """The interpreter path the runner is started with."""
    if plan_.strict and _venv_root():
        return os.path.join(VENV_INSIDE, 'bin', 'python')
    return sys.executable


def bwrap_argv(plan_, ro_binds, python_args, env=None, chdir=JOB_ROOT):
    """bwrap ... python ARGS; ro_binds are (host path, path inside) pairs placed under the tmpfs /job."""
    c = plan_.config
    size = str(c.tmp_size_mib << 20)
    # --as-pid-1: no bubblewrap init (same uid as the student, dumpable, unfiltered); the runner's own init
    # (runner/reaper.py) is pid 1
    argv = [c.bwrap, '--unshare-all', '--as-pid-1', '--die-with-parent', '--new-session', '--hostname', 'sandbox',
            '--ro-bind', '/usr', '/usr', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64',
            '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin',
            '--proc', '/proc', '--dev', '/dev', '--size', size, '--tmpfs', '/tmp',
            '--size', size, '--tmpfs', JOB_ROOT]
    venv = _venv_root()
    if venv:
        argv += ['--ro-bind', venv, VENV_INSIDE]
    elif not sys.executable.startswith('/usr/'):
        argv += ['--ro-bind', sys.prefix, sys.prefix]
    for host, inside in ro_binds:
        argv += ['--ro-bind', host, inside]
    env = dict(env or {})
    if c.gpu:
        for node in gpu_nodes():
            argv += ['--dev-bind', node, node]
        # the driver's libcuda is found through the loader's cache or the host's library path
        argv += ['--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache']
        if os.environ.get('LD_LIBRARY_PATH'):
            env.setdefault('LD_LIBRARY_PATH', os.environ['LD_LIBRARY_PATH'])
    # the root and /dev are bubblewrap's own tmpfs, without a size: read-only, so only the sized /tmp and /job
    # take writes (as in the fork server)
    argv += ['--remount-ro', '/dev', '--remount-ro', '/', '--chdir', chdir, '--clearenv']
    for key, value in sorted(env.items()):
        argv += ['--setenv', key, value]
    return argv + [python_inside(plan_)] + list(python_args)


def rlimits(plan_):
    """[(RLIMIT name, (soft, hard))] every runner gets."""
    c = plan_.config
    limits = [('RLIMIT_CPU', (c.cpu_time_s, c.cpu_time_s + 5)), ('RLIMIT_FSIZE', (c.file_size_mib << 20,) * 2),
              ('RLIMIT_NOFILE', (c.open_files,) * 2), ('RLIMIT_CORE', (0, 0))]
    if plan_.uid is not None:          # NPROC counts every process of the uid, across jobs
        nproc = c.processes_per_uid if plan_.cgroup else c.processes
        limits.append(('RLIMIT_NPROC', (nproc, nproc)))
    if c.address_space_mib and not c.gpu:
        limits.append(('RLIMIT_AS', (c.address_space_mib << 20,) * 2))
    return limits


def gpu_nodes():
    return sorted(glob.glob('/dev/nvidia*'))


def preexec(plan_, cgroup_dirs):
    """Runs in the child between fork and exec, as the grader's user."""
    def apply():
        for path in cgroup_dirs or ():
            with open(os.path.join(path, 'cgroup.procs'), 'w') as f:
                f.write(str(os.getpid()))
        for name, value in rlimits(plan_):
            resource.setrlimit(getattr(resource, name), value)
        if plan_.uid is not None:
            os.setgroups([])
            os.setgid(plan_.gid)
            os.setuid(plan_.uid)
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    return apply


class Cgroup:
    """A per-job cgroup with memory and pids limits (v2 or v1; v1 also cpuacct where mounted, to count CPU
    time); kill() ends every process in it."""

    def __init__(self, kind, name, config):
        self.dirs = []
        name = '%s-%s-%s' % (name, owner_tag(), uuid.uuid4().hex)      # grader.isolation.orphans reads the tag
        if kind == 'v2':
            parent = os.path.join(CGROUP_V2, 'grader')
            os.makedirs(parent, exist_ok=True)
            for level in (CGROUP_V2, parent):     # let the children use the memory and pids controllers
                self._write(level, 'cgroup.subtree_control', '+memory +pids', optional=True)
            path = os.path.join(parent, name)
            os.makedirs(path)
            self._write(path, 'memory.max', config.memory_mib << 20)
            self._write(path, 'memory.swap.max', 0, optional=True)
            self._write(path, 'pids.max', config.processes)
            self.dirs = [path]
        elif kind == 'v1':
            mem = os.path.join(CGROUP_V1['memory'], 'grader', name)
            pids = os.path.join(CGROUP_V1['pids'], 'grader', name)
            os.makedirs(mem)
            os.makedirs(pids)
            self._write(mem, 'memory.limit_in_bytes', config.memory_mib << 20)
            self._write(mem, 'memory.memsw.limit_in_bytes', config.memory_mib << 20, optional=True)
            self._write(pids, 'pids.max', config.processes)
            self.dirs = [mem, pids]
            if os.access(CGROUP_V1['cpuacct'], os.W_OK):
                cpu = os.path.join(CGROUP_V1['cpuacct'], 'grader', name)
                os.makedirs(cpu)
                self.dirs.append(cpu)

    @classmethod
    def existing(cls, dirs):
        """An already made cgroup, by its folders (to end what an orphan left)."""
        cgroup = cls.__new__(cls)
        cgroup.dirs = list(dirs)
        return cgroup

    @staticmethod
    def _write(path, name, value, optional=False):
        try:
            with open(os.path.join(path, name), 'w') as f:
                f.write(str(value))
        except OSError:
            if not optional:
                raise

    def pids(self):
        found = set()
        for path in self.dirs:
            try:
                with open(os.path.join(path, 'cgroup.procs')) as f:
                    found.update(int(line) for line in f if line.strip())
            except OSError:
                pass
        return found

    def oom_killed(self):
        for path in self.dirs:
            for name in ('memory.events', 'memory.oom_control'):
                try:
                    with open(os.path.join(path, name)) as f:
                        for line in f:
                            key, _, value = line.partition(' ')
                            if key in ('oom_kill', 'oom') and int(value) > 0:
                                return True
                except OSError:
                    continue
        return False

    def kill(self):
        """SIGKILL every process in the cgroup (those that left the runner's session too)."""
        for pid in self.pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def remove(self, timeout_s=5.0):
        """Wait until the cgroup is empty (killing stragglers), then delete it."""
        deadline = time.monotonic() + timeout_s
        pause = 0.001                           # killed processes are gone in milliseconds: poll fast, then slower
        while self.pids() and time.monotonic() < deadline:
            self.kill()
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
        for path in self.dirs:
            try:
                os.rmdir(path)
            except OSError:
                pass
