"""Ending a graded submission's runner without making its report wait.

The runner and everything in its cgroup get SIGKILL at once (no student code runs after that); waiting for
the processes to go, removing the cgroup and deleting the job's files (~20-40 ms) happen on a thread.
"""
import atexit
import threading
import time

_pending = set()
_lock = threading.Lock()


def retire(runners, files):
    for runner in runners:
        runner.signal_kill()
    thread = threading.Thread(target=_finish, args=(runners, files), name='teardown', daemon=True)
    with _lock:
        _pending.add(thread)
    thread.start()


def _finish(runners, files):
    try:
        for runner in runners:
            runner.kill()
        files.cleanup()
    finally:
        with _lock:
            _pending.discard(threading.current_thread())


def wait_all(timeout_s=30.0):
    """Until every retired runner is gone and its files deleted -> True, or False after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while True:
        with _lock:
            threads = list(_pending)
        if not threads:
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        threads[0].join(left)


atexit.register(wait_all)
