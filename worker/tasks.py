"""Celery tasks: thin wrappers that re-read rows by id and call the grader."""
import socket
from datetime import datetime, timezone

from app.config import get_settings
from app.db import make_engine, make_sessionmaker
from app.models import Assignment, Submission
from app.storage import Storage
from grader import GRADER_VERSION, get_profile, grade
from grader.sandbox import SandboxConfig, SandboxUnavailable

from .celery_app import app
from .persist import save_report

_sessions = {}


def session_factory():
    url = get_settings().database_url
    if url not in _sessions:
        _sessions[url] = make_sessionmaker(make_engine(url))
    return _sessions[url]


@app.task(name='grader.grade_submission', bind=True, max_retries=5, acks_late=True)
def grade_submission(self, submission_id):
    """Grade one submission; idempotent (a graded row of this grader version is left alone)."""
    settings = get_settings()
    Session = session_factory()
    with Session() as session:
        sub = session.get(Submission, submission_id)
        if sub is None or (sub.status == 'graded' and sub.grader_version == GRADER_VERSION):
            return 'skipped'
        assignment = session.get(Assignment, sub.assignment_id)
        sub.status, sub.attempts = 'running', sub.attempts + 1
        sub.started_at = datetime.now(timezone.utc)
        sub.worker = '%s/%s' % (socket.gethostname(), self.request.hostname or 'worker')
        session.commit()
        source = Storage(settings.storage_dir).get(sub.files[0]['sha256'])
        profile = get_profile(assignment.profile)
    try:
        report = grade(source, profile, sandbox=SandboxConfig(mode=settings.sandbox_mode))
    except SandboxUnavailable as exc:                  # ours, not the student's: retry later
        raise self.retry(exc=exc, countdown=30)
    with Session() as session:
        sub = session.get(Submission, submission_id)
        save_report(session, sub, report)
        session.commit()
    return 'graded'
