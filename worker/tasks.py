"""Celery tasks: thin wrappers that re-read rows by id and call the grader. Their names are the contract with
the senders (app.grading.sender: grader.grade_submission, grader.preview_regrade,
grader.similarity)."""
import logging
import os
import threading
import time

from celery.signals import worker_process_init, worker_process_shutdown
from sqlalchemy.exc import OperationalError

from app.core.config import get_settings
from app.core.db import make_engine, make_sessionmaker
from app.core.storage import Missing, open_storage
from app.grading.claims import claim, fail, fail_preview, preview_attempt, save, save_preview, upload_of
from app.core.models import Assignment
from app.grading.sender import GRADE_TASK, PREVIEW_TASK, SIMILARITY_TASK
from app.reports import similarity_store
from grader import get_profile, grade
from grader.isolation import orphans, teardown
from grader.isolation.pool import WarmPool
from grader.isolation.sandbox import SandboxConfig, SandboxUnavailable
from grader.scoring.datasets import DatasetError
from grader.text import one_line, traceback_text

from . import lti_grades
from .celery_app import app
from .progress import PartialWriter, Superseded

log = logging.getLogger(__name__)
_sessions = {}
_pools = {}
SAVE_TRIES = 6                                         # ~1 min of a locked database before a task retry
# The worker's own shutdown (Celery's WorkerShutdown and WorkerTerminate are SystemExit): the row stays running
# and the unacknowledged message goes back to the queue (acks_late), like a worker that died.
SHUTDOWN = (KeyboardInterrupt, SystemExit)


def session_factory():
    settings = get_settings()
    if settings.database_url not in _sessions:
        engine = make_engine(settings.database_url, settings.db_lock_timeout_s)
        _sessions[settings.database_url] = make_sessionmaker(engine)
    return _sessions[settings.database_url]


def _device(wanted, queue):
    """'cuda' for CUDA assignments and for all a GPU worker takes from the gpu queue, where CUDA exists."""
    if wanted != 'cuda' and queue != 'gpu':
        return 'cpu'
    import torch
    return 'cuda' if torch.cuda.is_available() else 'cpu'


def _queue(task):
    return (task.request.delivery_info or {}).get('routing_key') or '?'


def _persist(Session, write):
    """write(session) with the report kept in memory while the database is locked or briefly unreachable."""
    for i in range(SAVE_TRIES):
        try:
            with Session() as session:
                return write(session)
        except OperationalError:
            if i == SAVE_TRIES - 1:
                raise
            time.sleep(min(2 ** i, 15))


def sandbox_config(settings, device):
    """The sandbox for a device: the fork server for cpu runners where it can run (strict sandbox, root)."""
    fork = settings.fork_server and device == 'cpu' and settings.sandbox_mode == 'strict' and os.geteuid() == 0
    return SandboxConfig(mode=settings.sandbox_mode, gpu=device == 'cuda', fork_server=fork)


def warm_pool(settings):
    """This process's pool of warm cpu runners (made on first use, after the prefork pool forked us)."""
    if settings.pool_size < 1:
        return None
    config = sandbox_config(settings, 'cpu')
    if (config, settings.pool_size) not in _pools:
        _pools[config, settings.pool_size] = WarmPool(config, 'cpu', settings.pool_size)
    return _pools[config, settings.pool_size]


@worker_process_init.connect
def sweep_orphans(**_):
    """Remove the job folders and cgroups that killed grading processes left (a predecessor's), on a thread:
    a cgroup whose processes take long to die must not hold up the child's start (Celery allows it 4 s)."""
    threading.Thread(target=_sweep, name='orphan-sweep', daemon=True).start()


def _sweep():
    removed = orphans.sweep()
    if removed:
        log.warning('removed %d job folder(s) and cgroup(s) of killed grading processes', len(removed))


@worker_process_shutdown.connect
def close_pools(**_):
    """A prefork child ends by os._exit, without atexit: end its warm runners and finish every teardown."""
    for pool in list(_pools.values()):
        pool.close()
    teardown.wait_all(10)


def _internal_error(exc, what):
    """The sentence a row ends with when grading itself failed (the details go to the log, not to the student)."""
    log.error('%s failed:\n%s', what, traceback_text(exc))
    return 'grading stopped on an internal error (%s); an instructor can regrade it' % type(exc).__name__


class Unfetched(Exception):
    """The uploaded file could not be read from storage (gone, or the store is unreachable)."""


def _fetch(settings, Session, sha256):
    """The uploaded file from the configured storage (app.core.storage), else Unfetched with a reason to show."""
    try:
        with Session() as session:
            return open_storage(settings, session).get(sha256)
    except SHUTDOWN:
        raise
    except Missing as exc:
        raise Unfetched(str(exc)) from exc
    except Exception as exc:
        log.warning('fetching upload %s failed:\n%s', sha256, traceback_text(exc))
        raise Unfetched(type(exc).__name__) from exc


def _fetch_or_retry(task, settings, Session, sha256):
    """The file, or a task retry with backoff (1, 2, 4 ... s) while retries remain, else Unfetched."""
    try:
        return _fetch(settings, Session, sha256)
    except Unfetched as exc:
        if task.request.retries < min(settings.storage_fetch_retries, task.max_retries):
            raise task.retry(exc=exc, countdown=min(2 ** task.request.retries, 60))
        raise


def _unfetched(exc):
    return 'the uploaded file could not be fetched from storage: %s' % exc


def _grade(settings, attempt, queue, source, progress=None):
    device = _device(attempt.device, queue)
    return grade(source, get_profile(attempt.profile), device=device,
                 skip_slow=not attempt.training_checks, sandbox=sandbox_config(settings, device),
                 pool=warm_pool(settings), cifar_dir=settings.cifar_dir or None,
                 train_time_limit_s=settings.train_time_limit_s, progress=progress)


@app.task(name=GRADE_TASK, bind=True, max_retries=10, acks_late=True)
def grade_submission(self, submission_id):
    """Grade one submission. Idempotent: a graded row is left alone; only the newest claim saves."""
    settings = get_settings()
    Session = session_factory()
    try:
        with Session() as session:
            sha256 = upload_of(session, submission_id)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 60))
    source = unfetched = None
    if sha256 is not None:                             # fetched before the claim: a fetch retry is no attempt
        try:
            source = _fetch_or_retry(self, settings, Session, sha256)
        except Unfetched as exc:
            unfetched = exc
    try:
        with Session() as session:
            attempt = claim(session, submission_id, '%s (%s)' % (self.request.hostname or 'worker', _queue(self)),
                            settings.max_attempts)
    except OperationalError as exc:                    # e.g. the database is locked: try again shortly
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 60))
    if attempt is None:
        return 'skipped'
    if source is None and unfetched is None:           # the row became gradable between the two reads
        try:
            source = _fetch(settings, Session, attempt.sha256)
        except Unfetched as exc:
            unfetched = exc
    if unfetched is not None:
        message = _unfetched(unfetched)
        _persist(Session, lambda session: fail(session, submission_id, attempt, message))
        return 'error'
    partial = PartialWriter(Session, submission_id, attempt.claim)
    try:
        report = _grade(settings, attempt, _queue(self), source, partial)
    except Superseded:                                 # a regrade or a newer attempt took the row
        return 'superseded'
    except (SandboxUnavailable, DatasetError) as exc:  # ours, not the student's: retry, then say so
        if self.request.retries >= self.max_retries:
            what = 'grading sandbox' if isinstance(exc, SandboxUnavailable) else 'training data'
            message = 'the %s is unavailable on this worker (%s); an instructor can regrade it' % (what, one_line(exc))
            _persist(Session, lambda session: fail(session, submission_id, attempt, message))
            return 'error'
        raise self.retry(exc=exc, countdown=30)
    except SHUTDOWN:
        raise
    except BaseException as exc:                       # no exception leaves the row running
        message = _internal_error(exc, 'grading submission %d' % submission_id)
        _persist(Session, lambda session: fail(session, submission_id, attempt, message))
        return 'error'
    finally:
        partial.close()
    try:
        saved = _persist(Session, lambda session: save(session, submission_id, attempt, report))
    except (OperationalError,) + SHUTDOWN:             # the database is gone: the sweeper sends the row again
        raise
    except BaseException as exc:                       # a report the database refuses
        message = _internal_error(exc, 'saving submission %d' % submission_id)
        _persist(Session, lambda session: fail(session, submission_id, attempt, message))
        return 'error'
    if saved:
        lti_grades.after_grading(Session, submission_id)
    return 'graded' if saved else 'superseded'


@app.task(name=PREVIEW_TASK, bind=True, max_retries=10, acks_late=True)
def preview_regrade(self, item_id):
    """Grade one submission of a regrade run aside: its rows stay as they are until the run is applied."""
    settings = get_settings()
    Session = session_factory()
    try:
        with Session() as session:
            attempt = preview_attempt(session, item_id)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 60))
    if attempt is None:
        return 'skipped'
    try:
        source = _fetch_or_retry(self, settings, Session, attempt.sha256)
    except Unfetched as exc:
        log.error('regrade item %d: %s', item_id, _unfetched(exc))
        _persist(Session, lambda session: fail_preview(session, item_id))
        return 'error'
    try:
        report = _grade(settings, attempt, _queue(self), source)
        _persist(Session, lambda session: save_preview(session, item_id, report))
    except (SandboxUnavailable, DatasetError) as exc:
        if self.request.retries >= self.max_retries:
            _persist(Session, lambda session: fail_preview(session, item_id))
            return 'error'
        raise self.retry(exc=exc, countdown=30)
    except (OperationalError,) + SHUTDOWN:
        raise
    except BaseException as exc:                       # the item says error; its submission is untouched
        _internal_error(exc, 'previewing regrade item %d' % item_id)
        _persist(Session, lambda session: fail_preview(session, item_id))
        return 'error'
    return 'previewed'


@app.task(name=SIMILARITY_TASK, bind=True, max_retries=30, acks_late=True)
def similarity_report(self, assignment_id, full=False):
    """Update an assignment's similarity report (full: recompute it); a full run finding another task at work
    waits for it."""
    settings = get_settings()
    try:
        with session_factory()() as session:
            assignment = session.get(Assignment, assignment_id)
            if assignment is None:
                return 'skipped'
            done = similarity_store.work(session, assignment, open_storage(settings, session), full)
    except OperationalError as exc:
        raise self.retry(exc=exc, countdown=min(2 ** self.request.retries, 60))
    if done == 'busy' and full:
        raise self.retry(countdown=5)
    return done
