"""The host-side folder one runner sees: the submission, its shims and the runner's code (output: captured.py).

Inside the strict sandbox only `submission/` and `runner/` are visible (read-only, under a
tmpfs /job); in weak mode the runner works in `scratch/`.
"""
import os
import shutil
import tempfile

from .launch import RUNNER_DIR
from .owner import owner_tag
from ..shims import write_shims

RUNNER_CODE = ('main.py', 'procedures.py', 'stubs.py', 'confine.py', 'wire.py', 'reaper.py')


class RunnerFiles:
    """The files of one sandboxed run (a "job" inside the sandbox: mounted at /job). Not the worker's job, which
    is one claim on a submission row (worker/claims.py)."""

    def __init__(self, source=None, profile=None, base_dir=None, uid=None):
        """The folders and the runner's code; with a source and profile, the submission too."""
        self.root = tempfile.mkdtemp(prefix='grade-%s-' % owner_tag(), dir=base_dir)
        os.chmod(self.root, 0o711)            # the sandbox user may pass through, not list
        self.submission_dir = os.path.join(self.root, 'submission')
        self.runner_dir = os.path.join(self.root, 'runner')
        self.scratch_dir = os.path.join(self.root, 'scratch')
        for d in (self.submission_dir, self.runner_dir, self.scratch_dir):
            os.makedirs(d)
            os.chmod(d, 0o755)
        if uid is not None:
            os.chown(self.scratch_dir, uid, -1)
        for name in RUNNER_CODE:
            shutil.copy(os.path.join(RUNNER_DIR, name), self.runner_dir)
        self.module = self.solver_module = None
        if source is not None:
            self.install(source, profile)

    def install(self, source, profile):
        """Write the submission and its shims (a warm runner sees them appear in its read-only view)."""
        with open(os.path.join(self.submission_dir, profile.graded_file), 'wb') as f:
            f.write(source)
        self.solver_module = write_shims(profile.shims, self.submission_dir)
        self.module = profile.graded_file[:-3]

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)
