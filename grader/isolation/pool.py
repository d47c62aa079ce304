"""A warm pool: sandboxed runners started ahead, torch already imported, one submission each.

A pooled runner is an ordinary runner (same bubblewrap, uid, cgroup, rlimits, seccomp) started on an
empty job folder; take() hands out the oldest one that answered "ready" and has its replacement started,
which warms up while the submission is graded. A runner is killed after its submission, never reused,
so no state passes between students. Warming runners run at nice 10, so that they only take the CPU
that gradings leave, and return to normal priority when taken. Runners are started by the pool's own thread: bubblewrap's
--die-with-parent ties a runner's life to the thread that started it, and grading threads come and go.
"""
import atexit
import collections
import queue
import threading

from .runner_files import RunnerFiles
from .launch import Runner, RunnerGone, RunnerTimeout
from .sandbox import plan as make_plan

READY_TIMEOUT_S = 120.0
WARMING_NICE = 10          # warming runners take only the CPU that gradings leave; normal once taken


class WarmPool:
    def __init__(self, sandbox, device='cpu', size=1, base_dir=None):
        self.plan, self.device, self.size, self.base_dir = make_plan(sandbox), device, size, base_dir
        self._idle = collections.deque()
        self._changed = threading.Condition()
        self._orders = queue.Queue()
        self.started = self.served = self.discarded = self.failed = 0
        self._closed = False
        self._thread = threading.Thread(target=self._starter, name='warm-pool', daemon=True)
        self._thread.start()
        for _ in range(size):
            self._orders.put(1)
        atexit.register(self.close)

    def serves(self, plan_, device):
        return plan_ == self.plan and device == self.device and not self._closed

    def _starter(self):
        while True:
            if self._orders.get() is None:
                return
            files = RunnerFiles(base_dir=self.base_dir, uid=self.plan.uid)
            try:
                runner = Runner(files, self.device, self.plan, nice=WARMING_NICE)
            except Exception:                          # e.g. out of processes: the next take() waits it out
                files.cleanup()
                with self._changed:
                    self.failed += 1
                    self._changed.notify_all()
                continue
            with self._changed:
                if self._closed:
                    runner.kill()
                    files.cleanup()
                    continue
                self._idle.append((files, runner))
                self.started += 1
                self._changed.notify_all()

    def take(self, timeout_s=READY_TIMEOUT_S):
        """(files, runner) of a ready runner, or None when none became ready in time."""
        for _ in range(self.size + 1):
            with self._changed:
                if not self._changed.wait_for(lambda: self._idle or self._closed, timeout_s) or self._closed:
                    return None
                files, runner = self._idle.popleft()
            self._orders.put(1)                        # its replacement warms up meanwhile
            try:
                runner.request(None, timeout_s)        # its "ready" line (at once when warm)
            except (RunnerTimeout, RunnerGone):        # it died or hung while idle
                runner.kill()
                files.cleanup()
                with self._changed:
                    self.discarded += 1
                continue
            runner.prioritise()
            with self._changed:
                self.served += 1
            return files, runner
        return None

    def close(self):
        with self._changed:
            self._closed = True
            idle, self._idle = list(self._idle), collections.deque()
            self._changed.notify_all()
        self._orders.put(None)
        for files, runner in idle:
            runner.kill()
            files.cleanup()
        if self._thread is not threading.current_thread():
            self._thread.join(10)                      # a runner it is starting now is ended by it

    def pids(self):
        with self._changed:
            return [runner.proc.pid for _, runner in self._idle]

    def wait_full(self, timeout_s=READY_TIMEOUT_S):
        """Until `size` runners are started (not necessarily ready); for tests and benchmarks."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self._idle) >= self.size, timeout_s)
