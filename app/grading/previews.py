"""Regrade previews: grade every graded submission of an assignment aside, show the changes, then apply."""
import json
from datetime import datetime, timezone

from sqlalchemy import select

from app.core.models import Assignment, RegradeItem, RegradeRun, Submission, User
from app.courses import audit
from app.grading.dispatch import queue_for
from app.grading.persist import save_report
from grader.report import Report


def start(session, assignment, user, settings, send):
    """A new run with an item per graded (or errored) submission, each sent to be graded aside once committed;
    send(item_id, queue): app.grading.sender.Sender.preview."""
    subs = session.scalars(select(Submission).where(Submission.assignment_id == assignment.id,
                                                    Submission.status.in_(('graded', 'error')))
                           .order_by(Submission.id)).all()
    run = RegradeRun(assignment_id=assignment.id, created_by=user.id, created_at=datetime.now(timezone.utc),
                     items=[RegradeItem(submission_id=s.id, old_score=s.score) for s in subs])
    session.add(run)
    audit.record(session, 'regrade preview started', user.id, assignment=assignment,
                 detail='%d submissions' % len(run.items))
    session.commit()                                    # items exist before their ids travel
    for item in run.items:
        send(item.id, queue_for(assignment, settings))
    return run


def changes(session, run):
    """One dict per item: who, old and new score, and the checks whose status changed."""
    rows = []
    for item in run.items:
        sub = session.get(Submission, item.submission_id)
        row = {'submission': sub.id, 'email': session.get(User, sub.owner_id).email, 'status': item.status,
               'old': item.old_score, 'new': item.new_score, 'new_max': item.new_max_score, 'checks': []}
        if item.report:
            before = {c.check_id: c.status for c in sub.checks}
            after = json.loads(item.report)['checks']
            row['checks'] = ['%s: %s → %s' % (c['id'], before.get(c['id'], 'absent'), c['status'])
                             for c in after if before.get(c['id']) != c['status']]
            row['checks'] += ['%s: %s → absent' % (cid, st) for cid, st in before.items()
                              if cid not in {c['id'] for c in after}]
        row['changed'] = bool(row['checks']) or row['old'] != row['new']
        rows.append(row)
    return rows


def apply(session, run, actor_id):
    """Write every previewed report onto its submission; returns how many changed rows."""
    count = 0
    for item in run.items:
        if item.status != 'done':
            continue
        sub = session.get(Submission, item.submission_id)
        save_report(session, sub, Report.from_dict(json.loads(item.report)))
        sub.claim = None
        count += 1
    run.status = 'applied'
    audit.record(session, 'regrade applied', actor_id, assignment=session.get(Assignment, run.assignment_id),
                 detail='run %d: %d submissions written' % (run.id, count))
    session.commit()
    return count
