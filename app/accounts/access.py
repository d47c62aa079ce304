"""Who may do what in a course: admins everywhere, instructors in their courses, students their own rows."""
from sqlalchemy import select

from app.core.errors import NotAllowed, NotFound
from app.core.models import Assignment, Membership, Submission, User


def course_role(session, user, course_id):
    if user.role == 'admin':
        return 'instructor'
    return session.scalars(select(Membership.role).where(Membership.user_id == user.id,
                                                         Membership.course_id == course_id)).first()


def require_member(session, user, assignment):
    """The user's role in the assignment's course; NotAllowed for someone not enrolled."""
    role = course_role(session, user, assignment.course_id)
    if role is None:
        raise NotAllowed('you are not enrolled in the course of %s' % assignment.slug)
    return role


def is_instructor(session, user, course_id):
    return course_role(session, user, course_id) == 'instructor'


def course_students(session, course_id):
    return session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.course_id == course_id, Membership.role == 'student')).all()


def find_course_member(session, assignment, user_id=None, email=None):
    """An account (by id or e-mail) enrolled in the assignment's course, else NotFound (others are not
    shown)."""
    query = select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.course_id == assignment.course_id)
    query = query.where(User.id == user_id) if email is None else query.where(User.email == email.strip().lower())
    member = session.scalars(query).first()
    if member is None:
        raise NotFound('no %s in the course of %s' % (email or 'student %s' % user_id, assignment.slug))
    return member


def emails_of(session, user_ids):
    """{user id: e-mail} of these accounts."""
    ids = set(user_ids) - {None}
    return dict(session.execute(select(User.id, User.email).where(User.id.in_(ids))).all()) if ids else {}


def find_assignment(session, slug):
    assignment = session.scalars(select(Assignment).where(Assignment.slug == slug)).first()
    if assignment is None:
        raise NotFound('no assignment %r' % slug)
    return assignment


def require_instructor(session, user, assignment, what):
    if not is_instructor(session, user, assignment.course_id):
        raise NotAllowed('only the course\'s instructors %s' % what)


def readable_submission(session, user, submission_id):
    """(submission, assignment) that the user owns or teaches, else NotFound (never NotAllowed: ids are not
    revealed)."""
    sub = session.get(Submission, submission_id)
    assignment = session.get(Assignment, sub.assignment_id) if sub else None
    if sub is None or (sub.owner_id != user.id and not is_instructor(session, user, assignment.course_id)):
        raise NotFound('no submission %d' % submission_id)
    return sub, assignment
