"""The one function app/ calls: send a grading task, after the submission row is committed."""


def enqueue_grading(submission_id, queue='cpu'):
    from .tasks import grade_submission
    grade_submission.apply_async(args=[submission_id], queue=queue)


def enqueue_preview(item_id, queue='cpu'):
    from .tasks import preview_regrade
    preview_regrade.apply_async(args=[item_id], queue=queue)
