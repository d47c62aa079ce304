"""Enrolling people in a course from a CSV roster (the dashboard's import and `python -m app.admin enrol`)."""
import csv
import io
from datetime import datetime, timezone

from sqlalchemy import select

from app.accounts import passwords
from app.accounts.security import hash_generated, random_password
from app.core.models import AccountHome, IssuedPassword, Membership, User
from app.courses import audit


def parse_email(text):
    """The address in lower case, or ValueError."""
    email = text.strip().lower()
    if '@' not in email or len(email) > 254 or any(c.isspace() or c in ',/\\' or not c.isprintable() for c in email):
        raise ValueError('%r is not an e-mail address' % email)
    return email


def csv_rows(text, required):
    """[(line number, {column: value})] of a pasted CSV whose first line names the columns (trimmed, lower-case
    names), or ValueError when one of `required` is missing."""
    reader = csv.DictReader(io.StringIO(text.lstrip('\ufeff')))
    names = [f.strip().lower() for f in reader.fieldnames or []]
    if not all(c in names for c in required):
        raise ValueError('the first line must name the columns, among them %s'
                         % ' and '.join('"%s"' % c for c in required))
    return [(n, {(k or '').strip().lower(): (v or '').strip() for k, v in raw.items()})
            for n, raw in enumerate(reader, start=2)]


def parse_roster(text):
    """CSV with a header holding email (and optionally name, role) -> [(email, name, role)] or ValueError."""
    rows = []
    for n, row in csv_rows(text, ['email']):
        try:
            email, role = parse_email(row.get('email', '')), row.get('role') or 'student'
        except ValueError as exc:
            raise ValueError('line %d: %s' % (n, exc))
        if role not in ('student', 'instructor'):
            raise ValueError('line %d: role must be student or instructor, not %r' % (n, role))
        rows.append((email, row.get('name', ''), role))
    return rows


def account(session, email, name='', home_course_id=None):
    """(user, password) for an existing account (left as it is: name, password, role; password None) or a new
    one with a random password, made by the roster of home_course_id."""
    user = session.scalars(select(User).where(User.email == email)).first()
    if user is not None:
        return user, None
    password = random_password()
    user = User(email=email, name=name, role='student', password_hash=hash_generated(password),
                created_at=datetime.now(timezone.utc))
    session.add(user)
    session.flush()
    session.add(IssuedPassword(user_id=user.id, course_id=home_course_id))
    if home_course_id is not None:
        session.add(AccountHome(user_id=user.id, course_id=home_course_id))
    return user, password


def claim(session, user, course_id, role, actor_id=None):
    """An existing account enrolled by course_id: a new password (returned, shown once to this enroller) when
    another course was shown its current password and its holder never replaced it, or when it is to teach here
    and another course's roster made it; else None (enrolled as it is). A course never opens another's account
    with what it was shown: an account made for an address before anyone else used it gains no rights elsewhere.
    An account that teaches belongs to no course's roster (an admin resets it)."""
    issued, home = session.get(IssuedPassword, user.id), session.get(AccountHome, user.id)
    shown_elsewhere = issued is not None and issued.course_id not in (None, course_id)
    teacher_from_elsewhere = role != 'student' and home is not None and home.course_id != course_id
    if not (shown_elsewhere or teacher_from_elsewhere):
        return None
    password = passwords.reissue(session, user, actor_id, course_id)
    if role != 'student':
        if home is not None:
            session.delete(home)
    elif home is None:
        session.add(AccountHome(user_id=user.id, course_id=course_id))
    else:
        home.course_id = course_id
    return password


def enrol(session, course_id, rows, actor_id=None):
    """Enrol [(email, name, role)] -> {'listed', 'enrolled' (newly), 'created': [(email, password)] of new
    accounts and of accounts given a new password (claim), 'new' (accounts made), 'reissued', 'existing':
    accounts that were there before and are enrolled as they are (their name, password and role elsewhere
    stay; only an admin can reset their password)}. No commit."""
    result = {'listed': len(rows), 'enrolled': 0, 'created': [], 'new': 0, 'existing': 0, 'reissued': 0}
    for email, name, role in rows:
        person, password = account(session, email, name, course_id)
        result['new'] += password is not None
        if password is None and (password := claim(session, person, course_id, role, actor_id)):
            result['reissued'] += 1
        if password:
            result['created'].append((email, password))
        member = session.scalars(select(Membership).where(Membership.user_id == person.id,
                                                          Membership.course_id == course_id)).first()
        if member is None:
            session.add(Membership(user_id=person.id, course_id=course_id, role=role))
            result['enrolled'] += 1
            result['existing'] += password is None
    detail = '%d listed, %d newly enrolled, %d new accounts' % (len(rows), result['enrolled'], result['new'])
    if result['existing']:
        detail += '; %d already had an account' % result['existing']
    if result['reissued']:
        detail += '; %d given a new password (made by another course and never claimed, or to teach here)' \
            % result['reissued']
    audit.record(session, 'roster import', actor_id, course_id, detail=detail)
    return result
