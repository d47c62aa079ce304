"""The project's root, its interpreter and the submissions under tests/submissions/."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SUBMISSIONS = os.path.join(ROOT, 'tests', 'submissions')
PYTHON = sys.executable


def submission_path(name):
    return os.path.join(SUBMISSIONS, name, 'convolutional_networks.py')


def read_submission(name):
    with open(submission_path(name), 'rb') as f:
        return f.read()
