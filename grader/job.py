"""A job's work dir: the submission with its shims, the runner's code, scratch and tensor I/O."""
import os
import shutil
import tempfile

from .launch import RUNNER_DIR
from .shims import write_shims

RUNNER_FILES = ('main.py', 'procedures.py', 'stubs.py')


class Job:
    def __init__(self, source, profile, base_dir=None):
        self.root = tempfile.mkdtemp(prefix='grade-', dir=base_dir)
        self.submission_dir = os.path.join(self.root, 'submission')
        self.runner_dir = os.path.join(self.root, 'runner')
        self.scratch_dir = os.path.join(self.root, 'scratch')
        self.io_dir = os.path.join(self.root, 'io')
        for d in (self.submission_dir, self.runner_dir, self.scratch_dir, self.io_dir):
            os.makedirs(d)
        with open(os.path.join(self.submission_dir, profile.graded_file), 'wb') as f:
            f.write(source)
        self.solver_module = write_shims(profile.shims, self.submission_dir)
        for name in RUNNER_FILES:
            shutil.copy(os.path.join(RUNNER_DIR, name), self.runner_dir)
        self.module = profile.graded_file[:-3]

    def io_path(self, index, kind):
        return os.path.join(self.io_dir, '%03d.%s.safetensors' % (index, kind))

    def read_output(self, start, end, which, limit=2000):
        """Captured student output between two offsets, head and tail kept."""
        path = os.path.join(self.root, which + '.txt')
        with open(path, 'rb') as f:
            f.seek(start)
            data = f.read(max(0, end - start))
        text = data.decode('utf-8', 'replace')
        if len(text) > limit:
            cut = len(text) - limit
            text = text[:limit // 2] + '\n[... %d characters cut ...]\n' % cut + text[-limit // 2:]
        return text

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)
