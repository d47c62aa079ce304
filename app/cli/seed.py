"""The demo course: python -m app.seed (idempotent). Password from DEMO_PASSWORD (default: demo)."""
import os
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app.accounts.security import hash_password
from app.core.config import get_settings
from app.core.db import make_engine, make_sessionmaker
from app.core.models import AccountHome, Assignment, Course, Membership, User

ASSIGNMENTS = (('convnet', 'Convolutional networks (EECS 498)', 'eecs498'),
               ('convnet-hw6', 'Convolutional networks (Deep Vision HW6)', 'deep-vision-hw6'),
               ('convnet-sta9131', 'Convolutional networks (STA9131)', 'sta9131'))
USERS = (('instructor@example.com', 'Ada Instructor', 'instructor'),
         ('student@example.com', 'Sam Student', 'student'),
         ('student2@example.com', 'Kim Student', 'student'))


def seed(session, password):
    now = datetime.now(timezone.utc)
    course = session.scalars(select(Course).where(Course.slug == 'demo')).first()
    if course is None:
        course = Course(slug='demo', title='Demo course')
        session.add(course)
        session.flush()
    for slug, title, profile in ASSIGNMENTS:
        if session.scalars(select(Assignment).where(Assignment.slug == slug)).first() is None:
            session.add(Assignment(course_id=course.id, slug=slug, title=title, profile=profile,
                                   due_at=now + timedelta(days=14), late_due_at=now + timedelta(days=17),
                                   late_penalty=0.1))
    for email, name, role in USERS:
        user = session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            user = User(email=email, name=name, role=role, password_hash=hash_password(password), created_at=now)
            session.add(user)
            session.flush()
            session.add_all([Membership(user_id=user.id, course_id=course.id, role=role),
                             AccountHome(user_id=user.id, course_id=course.id)])
    session.commit()


def main():
    with make_sessionmaker(make_engine(get_settings().database_url))() as s:
        seed(s, os.environ.get('DEMO_PASSWORD', 'demo'))


if __name__ == '__main__':
    main()
