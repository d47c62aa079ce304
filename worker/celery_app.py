"""The Celery app: Redis broker, ids only, late acks, one task at a time per worker process."""
from celery import Celery

from app.core.config import get_settings
from app.grading.sender import GRADE_TASK


def create_app(settings=None):
    settings = settings or get_settings()
    app = Celery('grader', broker=settings.broker_url, include=['worker.tasks', 'worker.lti_grades',
                                                                     'worker.lti_roster'])
    app.conf.update(
        task_acks_late=True,                  # a task is acknowledged after it ran ...
        task_reject_on_worker_lost=True,      # ... and goes back to the queue if its worker dies
        worker_prefetch_multiplier=1,
        task_default_queue='cpu',
        task_routes={GRADE_TASK: {'queue': 'cpu'}},
        # a message unacked past the grading deadline goes back to its queue; look for such every <= 10 s
        broker_transport_options={'visibility_timeout': settings.grading_deadline_s,
                                  'unacked_restore_interval': max(1, min(10, settings.grading_deadline_s // 10)),
                                  'unacked_restore_throttle': 1},
        task_ignore_result=True,              # SQL is the source of truth
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
    )
    return app


app = create_app()
