"""Courses and assignments: creating them, and the rules an assignment's settings follow."""
import re

from sqlalchemy import select

from app.core.models import Assignment, Course
from app.courses import audit
from grader.catalog import PROFILES

SLUG = re.compile(r'^[a-z0-9][a-z0-9-]{0,63}$')


def settings_problem(title, profile, due, late, late_penalty_percent, burst, per_hour):
    """Why these assignment settings are refused, or '' (dates are datetimes or None)."""
    return ('the late due date is before the due date' if due and late and late < due else
            'unknown profile %r (one of %s)' % (profile, ', '.join(sorted(PROFILES))) if profile not in PROFILES else
            'the late penalty is a percentage from 0 to 100' if not 0 <= late_penalty_percent <= 100 else
            'rate limits are whole numbers from 1' if min(burst, per_hour) < 1 else
            'the title is empty' if not title.strip() else '')


def slug_problem(session, model, slug):
    if not SLUG.match(slug):
        return '%r is not a slug: lower-case letters, digits and dashes, up to 64' % slug
    if session.scalars(select(model).where(model.slug == slug)).first() is not None:
        return 'the slug %r is taken' % slug
    return ''


def create_course(session, slug, title, actor_id=None):
    """The new course (flushed), or ValueError saying why not."""
    problem = slug_problem(session, Course, slug) or ('the title is empty' if not title.strip() else '')
    if problem:
        raise ValueError(problem)
    course = Course(slug=slug, title=title.strip())
    session.add(course)
    session.flush()
    audit.record(session, 'course created', actor_id, course.id, detail=course.title)
    return course


def create_assignment(session, course, slug, title, profile='eecs498', due=None, late=None,
                      late_penalty_percent=0.0, burst=5, per_hour=10, training_checks=True, device='cpu',
                      actor_id=None):
    """The new assignment (flushed), or ValueError saying why not."""
    problem = (slug_problem(session, Assignment, slug) or
               settings_problem(title, profile, due, late, late_penalty_percent, burst, per_hour) or
               ('the device is cpu or cuda' if device not in ('cpu', 'cuda') else ''))
    if problem:
        raise ValueError(problem)
    assignment = Assignment(course_id=course.id, slug=slug, title=title.strip(), profile=profile, due_at=due,
                            late_due_at=late, late_penalty=late_penalty_percent / 100.0, rate_limit_burst=burst,
                            rate_limit_per_hour=per_hour, training_checks=training_checks, device=device)
    session.add(assignment)
    session.flush()
    audit.record(session, 'assignment created', actor_id, assignment=assignment,
                 detail='%s (profile %s)' % (assignment.title, profile))
    return assignment
