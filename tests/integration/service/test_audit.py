"""The audit trail over real HTTP: each change an instructor, a student or the operator makes is recorded with
who made it, and the course's dashboard lists the newest first (students never see it)."""
import html
import io
import re
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import select

from app.cli.admin import main as admin
from app.core.models import AuditEvent, User
from tests.integration.service.helpers import browser_like, graded_row, sessions, token, V1

pytestmark = pytest.mark.slow


def changes(client):
    page = client.get('/instructor/assignments/convnet').text
    table = page[page.index('id="changes"'):]
    table = table[:table.index('</table>')]
    return [[html.unescape(re.sub('<[^>]+>', '', cell)).strip() for cell in re.findall(r'<td>(.*?)</td>', row)][1:]
            for row in re.findall(r'<tr><td>.*?</tr>', table, re.S)]


def test_every_change_is_recorded_with_who_made_it(api, service_env):
    teacher, csrf = browser_like(api, 'instructor@example.com')
    assert changes(teacher) == []
    with sessions(service_env)() as session:
        sam = session.scalars(select(User).where(User.email == 'student@example.com')).one().id
    history = '/instructor/assignments/convnet/students/%d' % sam
    due = (datetime.now(timezone.utc) + timedelta(days=9)).strftime('%Y-%m-%dT%H:%M')
    assert teacher.post(history + '/extension', data={'csrf': csrf, 'due_at': due}).status_code == 200
    assert teacher.post(history + '/extension', data={'csrf': csrf, 'action': 'revoke'}).status_code == 200
    assert teacher.post(history + '/password', data={'csrf': csrf}).status_code == 200
    r = teacher.post('/instructor/assignments/convnet/roster', data={'csrf': csrf,
                                                                     'roster': 'email\nnew@uni.edu\n'})
    assert '1 new accounts' in r.text
    title = re.search(r'id="s-title"[^>]*value="([^"]*)"', r.text).group(1)
    r = teacher.post('/instructor/assignments/convnet/settings', data={
        'csrf': csrf, 'title': title + ' (2027)', 'profile': 'eecs498', 'late_penalty_percent': '10',
        'rate_limit_burst': '5', 'rate_limit_per_hour': '10', 'training_checks': 'true'})
    assert 'Saved.' in r.text
    sub_id = graded_row(service_env)
    assert teacher.post('/instructor/submissions/%d/regrade' % sub_id, data={'csrf': csrf}).status_code == 200
    teacher_api = token(api, 'instructor@example.com')
    assert httpx.post(api + V1 + '/assignments/convnet/regrade?status=queued', headers=teacher_api
                      ).status_code == 202
    r = teacher.post('/instructor/courses/demo/assignments', data={'csrf': csrf, 'slug': 'hw-audit', 'title': 'A',
                                                                   'profile': 'eecs498'})
    assert r.status_code == 200
    issued = operator_password(service_env, 'student2@example.com')
    assert httpx.post(api + V1 + '/auth/password', headers=token(api, 'student2@example.com', issued), json={
        'current_password': issued, 'new_password': 'kim-owns-this-one'}).status_code == 204
    rows = changes(teacher)
    me, sam_email = 'instructor@example.com', 'student@example.com'
    assert [r[:3] for r in rows] == [
        [me, 'assignment created', ''],
        [me, 'regrade', ''],
        [me, 'regrade', sam_email],
        [me, 'settings changed', ''],
        [me, 'roster import', ''],
        [me, 'password reset', sam_email],
        [me, 'extension removed', sam_email],
        [me, 'extension granted', sam_email],
    ]
    assert rows[0][3:] == ['hw-audit', 'A (profile eecs498)']
    assert rows[1][4] == '1 submissions with status queued (API)'
    assert rows[2][4] == 'submission %d' % sub_id
    assert rows[3][4].startswith('title: %s → %s (2027); due: ' % (title, title))     # the dates were cleared
    assert rows[3][4].endswith(' UTC → —') and 'late penalty' not in rows[3][4]       # unchanged: not listed
    assert rows[4][4] == '1 listed, 1 newly enrolled, 1 new accounts'
    assert rows[7][4].startswith('due ' + due.replace('T', ' ')) and rows[7][4].endswith('late due none')
    # not in the course's list, but kept: the operator's reset and Kim's own change
    with sessions(service_env)() as session:
        rest = session.scalars(select(AuditEvent).where(AuditEvent.course_id.is_(None)).order_by(AuditEvent.id))
        assert [(e.action, e.actor_id is None) for e in rest] == [('password reset', True), ('password changed', False)]
    lines = teacher.get('/api/v1/assignments/convnet/changes.csv').text.splitlines()
    assert lines[0] == 'at,actor,action,subject,assignment,detail' and len(lines) == 1 + len(rows)
    assert lines[1].split(',')[1:5] == ['instructor@example.com', 'assignment created', '', 'hw-audit']
    student, _ = browser_like(api, 'student@example.com', operator_password(service_env, 'student@example.com'))
    assert student.get('/instructor/assignments/convnet').status_code == 403
    assert student.get('/api/v1/assignments/convnet/changes.csv').status_code == 403


def operator_password(env, email):
    """python -m app.admin set-password, in-process: the new password."""
    out = io.StringIO()
    assert admin(['set-password', email], out, io.StringIO(), env['AG_DATABASE_URL']) == 0
    return out.getvalue().strip().split(',')[1]
