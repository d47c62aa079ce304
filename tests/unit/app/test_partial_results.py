"""Partial results on a real SQLite database: written only while the attempt holds the claim, shown only for the
running attempt, dropped by the final save; the writer stops a superseded grading."""
import time
from datetime import datetime, timezone

import pytest

from app.cli.migrate import upgrade
from app.core.db import make_engine, make_sessionmaker
from app.core.models import Assignment, Course, Submission, User
from app.grading.persist import save_report
from app.grading.progress import record, shown_checks
from grader.report import CheckResult, Report
from worker.progress import PartialWriter, Superseded

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)


def result(check_id, status='passed'):
    return CheckResult(id=check_id, component=check_id.split('.')[0], status=status, score=1.0, max_score=1.0,
                       error=None, threshold=None, message='ok')


@pytest.fixture
def Session(tmp_path):
    url = 'sqlite:///%s' % (tmp_path / 'grader.sqlite')
    upgrade(url)
    Session = make_sessionmaker(make_engine(url))
    with Session() as s:
        user, course = User(email='s@example.com', password_hash='x', created_at=NOW), Course(slug='c', title='C')
        s.add_all([user, course])
        s.flush()
        a = Assignment(course_id=course.id, slug='a', title='A')
        s.add(a)
        s.flush()
        s.add(Submission(owner_id=user.id, assignment_id=a.id, content_sha256='a' * 64, files=[], requested_at=NOW,
                         status='running', claim='first'))
        s.commit()
    return Session


def shown(Session):
    with Session() as s:
        return [c.check_id for c in shown_checks(s, s.get(Submission, 1))]


def test_rows_are_written_and_shown_only_for_the_attempt_holding_the_claim(Session):
    with Session() as s:
        assert record(s, 1, 'first', [result('conv_forward.a')], ['conv_backward'])
        assert not record(s, 1, 'stale', [result('conv_forward.b')], [])
    assert shown(Session) == ['conv_forward.a']
    with Session() as s:
        s.get(Submission, 1).claim = 'second'           # a newer attempt: the first one's rows are not its own
        s.commit()
    assert shown(Session) == []
    with Session() as s:
        sub = s.get(Submission, 1)
        save_report(s, sub, Report(profile='p', checks=[result('conv_forward.a'), result('conv_backward.a')]))
        s.commit()
        assert sub.status == 'graded' and sub.pending is None
    assert shown(Session) == ['conv_forward.a', 'conv_backward.a']   # the final rows, the partial ones gone
    with Session() as s:
        assert not record(s, 1, 'second', [result('conv_forward.a')], [])   # a late write after the save


def test_the_writer_writes_the_newest_snapshot_and_stops_a_superseded_grading(Session):
    writer = PartialWriter(Session, 1, 'first')
    writer([result('conv_forward.a')], ['conv_backward'])
    for n in range(5):                                  # arrive within the gap: only the newest is written
        writer([result('conv_forward.a')] + [result('conv_backward.%d' % i) for i in range(n + 1)], [])
    deadline = time.monotonic() + 10
    while len(shown(Session)) < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert shown(Session) == ['conv_forward.a'] + ['conv_backward.%d' % i for i in range(5)]
    with Session() as s:
        s.get(Submission, 1).status, s.get(Submission, 1).claim = 'queued', None     # a regrade
        s.commit()
    writer([result('conv_forward.a')], [])             # written by the thread: it finds the claim gone
    deadline = time.monotonic() + 10
    with pytest.raises(Superseded):
        while time.monotonic() < deadline:
            writer([result('conv_forward.a')], [])
            time.sleep(0.05)
    writer.close()
    assert not writer.thread.is_alive()
