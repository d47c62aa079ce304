"""Files for the similarity tests against the world: a real loop solution, its vectorised rewrite, the handout
they were written in, obfuscated copies; and a class in a real SQLite database (migrated) with stored files."""
import os
import re
from datetime import datetime, timezone

SUBMISSIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), 'submissions')


def real(name):
    """A real solution: 'correct_naive' (loops) or 'correct_vectorized' (its vectorised rewrite)."""
    with open(os.path.join(SUBMISSIONS, name, 'convolutional_networks.py')) as f:
        return f.read()


def handout_of(source):
    """The handout a solution was written in: each TODO block's code replaced by `pass`."""
    return re.sub(r'(#[^\n]*TODO[^\n]*\n)(.*?)(\n[ \t]*#+\s*END OF YOUR CODE)',
                  lambda m: m.group(1) + '    pass' + m.group(3), source, flags=re.S)


def obfuscated(source):
    """A copy with locals renamed, every comment rewritten and the top-level definitions in reverse order."""
    for old, new in (('x_pad', 'padded'), ('window', 'region'), ('H_out', 'out_h'), ('W_out', 'out_w'),
                     ('stride', 'step'), ('cache', 'saved'), ('dout', 'upstream'), ('mean', 'mu')):
        source = re.sub(r'\b%s\b' % old, new, source)
    source = re.sub(r'#[^\n]*', '# rewritten by me', source)
    head, *blocks = re.split(r'\n(?=class |def )', source)
    return '\n'.join([head] + blocks[::-1]) + '\n'


def make_class(session, storage, course_slug='c', assignment_slug='a', skeleton=None):
    """A course and an assignment in a migrated database; returns (course, assignment)."""
    from app.core.models import Assignment, Course
    from grader.skeleton import boilerplate
    course = Course(slug=course_slug, title=course_slug)
    session.add(course)
    session.flush()
    assignment = Assignment(course_id=course.id, slug=assignment_slug, title=assignment_slug)
    if skeleton:
        assignment.skeleton = skeleton
        assignment.skeleton_boilerplate = [list(span) for span in boilerplate(skeleton)]
    session.add(assignment)
    session.commit()
    return course, assignment


def submit(session, storage, assignment, email, source):
    """A stored submission of `source` by the account `email` (made on first use); returns its id."""
    from sqlalchemy import select

    from app.core.models import Submission, User
    user = session.scalars(select(User).where(User.email == email)).first()
    if user is None:
        user = User(email=email, password_hash='-', created_at=datetime.now(timezone.utc))
        session.add(user)
        session.flush()
    sha = storage.put(source.encode())
    sub = Submission(owner_id=user.id, assignment_id=assignment.id, files=[], content_sha256=sha,
                     requested_at=datetime.now(timezone.utc))
    session.add(sub)
    session.commit()
    return sub.id


def add_archive(session, storage, course, label, name, source):
    from app.core.models import ArchiveFile
    sha = storage.put(source.encode())
    row = ArchiveFile(course_id=course.id, label=label, name=name, sha256=sha, size=len(source),
                      added_at=datetime.now(timezone.utc))
    session.add(row)
    session.commit()
    return row.id
