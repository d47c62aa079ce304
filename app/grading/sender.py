"""Putting a task on the broker: ids only, by the task's name (app/ never imports worker/).

The names and arguments are the worker's contract (worker/tasks.py registers them under these names):
grader.grade_submission(submission_id), grader.preview_regrade(item_id) and
grader.similarity(assignment_id, full), grader.lti_score(assignment_id, user_id). Callers send only after the row the
id names is committed (app.grading.dispatch, app.grading.previews).
"""
import threading

GRADE_TASK = 'grader.grade_submission'
PREVIEW_TASK = 'grader.preview_regrade'
SIMILARITY_TASK = 'grader.similarity'
LTI_SCORE_TASK = 'grader.lti_score'


class Sender:
    """Sends grading tasks to the broker at broker_url; Celery is imported and connected on the first send."""

    def __init__(self, broker_url):
        self.broker_url = broker_url
        self._celery, self._lock = None, threading.Lock()

    def _client(self):
        with self._lock:
            if self._celery is None:
                from celery import Celery
                self._celery = Celery('grader', broker=self.broker_url, set_as_current=False)
                self._celery.conf.update(broker_connection_retry_on_startup=True, task_ignore_result=True)
            return self._celery

    def grading(self, submission_id, queue='cpu'):
        """Ask a worker of `queue` to grade the submission (its row says queued and is committed)."""
        self._client().send_task(GRADE_TASK, args=[submission_id], queue=queue)

    def preview(self, item_id, queue='cpu'):
        """Ask a worker of `queue` to grade one regrade item aside (app.grading.previews)."""
        self._client().send_task(PREVIEW_TASK, args=[item_id], queue=queue)

    def similarity(self, assignment_id, full=False):
        """Ask a worker to update (full: recompute) an assignment's similarity report; fails at once, without
        retries, when the broker is down (the next upload or the page's button sends it again)."""
        self._client().send_task(SIMILARITY_TASK, args=[assignment_id, full], queue='cpu', retry=False)

    def lti_score(self, assignment_id, user_id):
        """Ask a worker to send a student's score to the LMS links of the assignment (app.lti.passback); fails at
        once when the broker is down (logged; the dashboard's button sends it again)."""
        self.send(LTI_SCORE_TASK, [assignment_id, user_id])

    def send(self, name, args, queue='cpu'):
        """Any other task by name and ids (the LTI services' tasks); fails at once when the broker is down."""
        self._client().send_task(name, args=args, queue=queue, retry=False)
