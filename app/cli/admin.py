"""python -m app.admin: set up a real course (the operator's tool; the demo seed is for trying things out).

  add-user EMAIL [--name N] [--admin]          a new account; its password is printed once
  set-password EMAIL                           a new random password (printed once); its sessions end
  add-course SLUG TITLE [--instructor EMAIL]   instructors' new accounts get passwords printed once
  add-assignment COURSE SLUG TITLE [--profile P] [--due ISO] [--late-due ISO] [--late-penalty PCT] ...
  enrol COURSE CSV                             a roster file (email[,name][,role]); new accounts printed
  set-skeleton ASSIGNMENT FILE | --remove      the course's handout, kept if the profile serves its imports
  list                                         courses, their assignments and member counts
  migrate-storage --from-dir PATH              copy a storage folder's files into AG_STORAGE (sha256 checked)
  import-archive COURSE ZIP --label L          past years' or public solutions (.py files) for the similarity
                                               report; the course's reports are then recomputed by a worker
  lti-register | lti-link-course | lti-list | lti-rotate-keys   LMS platforms (app/cli/lti_admin.py)
Runs against AG_DATABASE_URL (migrated). Standard output holds only data (new passwords as e-mail,password
lines; the listing); what was done goes to standard error. Exit status 2 with a message for anything refused.
"""
import argparse
import hashlib
import os
import sys
from datetime import datetime

from sqlalchemy import func, select

from app.accounts import passwords
from app.cli import lti_admin
from app.core.config import get_settings
from app.core.db import aware, make_engine, make_sessionmaker, utc_text
from app.core.errors import DomainError
from app.core.models import Assignment, Course, Membership, User
from app.core.storage import SHA256, Missing, open_storage
from app.courses import archive_files, audit, create, roster, skeletons
from app.grading.sender import Sender
from app.reports import similarity_store


class Refused(Exception):
    pass


def parse_args(argv):
    parser = argparse.ArgumentParser(prog='python -m app.admin', description='Set up courses and accounts')
    sub = parser.add_subparsers(dest='command', required=True)
    p = sub.add_parser('add-user', help='a new account (password printed once)')
    p.add_argument('email')
    p.add_argument('--name', default='')
    p.add_argument('--admin', action='store_true', help='may see and change every course')
    p = sub.add_parser('set-password', help='a new random password for an account (printed once)')
    p.add_argument('email')
    p = sub.add_parser('add-course', help='a new course')
    p.add_argument('slug')
    p.add_argument('title')
    p.add_argument('--instructor', action='append', default=[], metavar='EMAIL')
    p = sub.add_parser('add-assignment', help='a new assignment in a course')
    p.add_argument('course')
    p.add_argument('slug')
    p.add_argument('title')
    p.add_argument('--profile', default='eecs498')
    p.add_argument('--due', type=_moment, metavar='ISO', help='e.g. 2026-12-01T23:59 (UTC unless an offset)')
    p.add_argument('--late-due', type=_moment, metavar='ISO')
    p.add_argument('--late-penalty', type=float, default=0.0, metavar='PCT', help='percent off late scores')
    p.add_argument('--no-training-checks', action='store_true', help='skip the checks that train networks')
    p.add_argument('--device', default='cpu', choices=('cpu', 'cuda'))
    p = sub.add_parser('enrol', help='enrol the people of a CSV roster in a course')
    p.add_argument('course')
    p.add_argument('csv', help='a file with the columns email, name (optional), role (optional)')
    p = sub.add_parser('set-skeleton', help='the course\'s skeleton file of an assignment (its handout)')
    p.add_argument('assignment')
    p.add_argument('file', nargs='?', help='the skeleton .py; refused when the profile cannot serve its imports')
    p.add_argument('--remove', action='store_true', help='forget the stored skeleton')
    sub.add_parser('list', help='courses, assignments and member counts')
    p = sub.add_parser('migrate-storage', help='copy the files of a storage folder into the configured storage')
    p.add_argument('--from-dir', required=True, metavar='PATH', help='the old AG_STORAGE_DIR (ab/abcd... files)')
    p = sub.add_parser('import-archive', help='a zip of .py files for the similarity report to compare against')
    p.add_argument('course')
    p.add_argument('zip', help='a zip of .py files (past years\' submissions, solutions found online)')
    p.add_argument('--label', required=True, help='where the files come from, e.g. "EECS 498 fall 2025"')
    lti_admin.add_parsers(sub)
    return parser.parse_args(argv)


def _moment(text):
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError('%r is not an ISO date and time' % text)
    return aware(moment)


def _one(session, model, where, what):
    """The row, or Refused('no <what>')."""
    row = session.scalars(select(model).where(where)).first()
    if row is None:
        raise Refused('no %s' % what)
    return row


def _user(session, email):
    return _one(session, User, User.email == email.strip().lower(), 'account %s' % email)


def _course(session, slug):
    return _one(session, Course, Course.slug == slug, 'course %s' % slug)


def add_user(session, args, out, note):
    try:
        email = roster.parse_email(args.email)
    except ValueError as exc:
        raise Refused(str(exc))
    user, password = roster.account(session, email, args.name)
    if password is None:
        raise Refused('%s already has an account (set-password gives it a new password)' % email)
    user.role = 'admin' if args.admin else 'student'
    audit.record(session, 'account created', subject_id=user.id, detail='admin' if args.admin else '')
    session.commit()
    out.write('%s,%s\n' % (email, password))


def set_password(session, args, out, note):
    user = _user(session, args.email)
    password = passwords.issue(session, user)
    out.write('%s,%s\n' % (user.email, password))


def add_course(session, args, out, note):
    try:
        course = create.create_course(session, args.slug, args.title)
        rows = [(roster.parse_email(email), '', 'instructor') for email in args.instructor]
    except ValueError as exc:
        raise Refused(str(exc))
    result = roster.enrol(session, course.id, rows)
    session.commit()
    note('course %s created' % course.slug)
    _report(result, out, note)


def add_assignment(session, args, out, note):
    course = _course(session, args.course)
    try:
        assignment = create.create_assignment(
            session, course, args.slug, args.title, args.profile, args.due, args.late_due, args.late_penalty,
            training_checks=not args.no_training_checks, device=args.device)
    except ValueError as exc:
        raise Refused(str(exc))
    session.commit()
    note('assignment %s created in %s (profile %s)' % (assignment.slug, course.slug, assignment.profile))


def enrol(session, args, out, note):
    course = _course(session, args.course)
    try:
        with open(args.csv, encoding='utf-8') as f:
            rows = roster.parse_roster(f.read())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise Refused('%s: %s' % (args.csv, exc))
    result = roster.enrol(session, course.id, rows)
    session.commit()
    note('%d listed, %d newly enrolled, %d new accounts' % (len(rows), result['enrolled'], result['new']))
    _report(result, out, note)


def _report(result, out, note):
    """The enrolment's new passwords on standard output; what happened to existing accounts on standard error."""
    if result['reissued']:
        note('%d existing accounts given a new password (another course was shown their password and their '
             'holder never replaced it, or they are to teach here)' % result['reissued'])
    if result['existing']:
        note('%d existing accounts enrolled as they are (their own password)' % result['existing'])
    for email, password in result['created']:
        out.write('%s,%s\n' % (email, password))


def set_skeleton(session, args, out, note):
    assignment = _one(session, Assignment, Assignment.slug == args.assignment, 'assignment %s' % args.assignment)
    if args.remove or not args.file:
        if not args.remove:
            raise Refused('give the skeleton FILE, or --remove')
        skeletons.remove(session, assignment)
        session.commit()
        note('skeleton of %s removed' % assignment.slug)
        return
    try:
        with open(args.file, 'rb') as f:
            data = f.read(skeletons.MAX_BYTES + 1)
        read = skeletons.store(session, assignment, data)
    except OSError as exc:
        raise Refused('%s: %s' % (args.file, exc.strerror or exc))
    except skeletons.SkeletonError as exc:
        raise Refused(str(exc))
    session.commit()
    note('skeleton of %s saved (%d imports, profile %s serves them all)' % (assignment.slug, len(read.needs),
                                                                           assignment.profile))


def list_all(session, args, out, note):
    for course in session.scalars(select(Course).order_by(Course.slug)):
        counts = dict(session.execute(select(Membership.role, func.count()).where(
            Membership.course_id == course.id).group_by(Membership.role)).all())
        out.write('%s  %s  (%d instructors, %d students)\n' % (course.slug, course.title,
                                                              counts.get('instructor', 0), counts.get('student', 0)))
        for a in session.scalars(select(Assignment).where(Assignment.course_id == course.id).order_by(Assignment.slug)):
            out.write('  %s  %s  profile %s, due %s\n' % (a.slug, a.title, a.profile, utc_text(a.due_at, '-')))


def _stored_files(root):
    """(name, path) of every file under root/<2 characters>/, sorted."""
    if not os.path.isdir(root):
        raise Refused('%s is not a folder' % root)
    for folder in sorted(os.listdir(root)):
        if os.path.isdir(os.path.join(root, folder)):
            for name in sorted(os.listdir(os.path.join(root, folder))):
                yield folder, name, os.path.join(root, folder, name)


def migrate_storage(session, args, out, note):
    """Every file of the folder into AG_STORAGE, each sha256 checked before and after; run it again safely."""
    storage = open_storage(get_settings(), session)
    counts = {'copied': 0, 'already stored': 0, 'refused': 0}
    for folder, name, path in _stored_files(args.from_dir):
        with open(path, 'rb') as f:
            data = f.read()
        if not SHA256.match(name) or folder != name[:2] or hashlib.sha256(data).hexdigest() != name:
            note('refused %s: not a stored file (its name is not its sha256)' % path)
            counts['refused'] += 1
            continue
        try:
            storage.get(name)
            counts['already stored'] += 1
            continue
        except Missing:
            pass
        storage.put(data)
        session.commit()
        if hashlib.sha256(storage.get(name)).hexdigest() != name:
            raise Refused('%s reads back changed from the storage' % name)
        counts['copied'] += 1
    out.write(', '.join('%s %d' % item for item in counts.items()) + '\n')
    if counts['refused']:
        raise Refused('%d files refused (see above); the others are stored' % counts['refused'])


def import_archive(session, args, out, note):
    course = _one(session, Course, Course.slug == args.course, 'course %s' % args.course)
    settings = get_settings()
    try:
        with open(args.zip, 'rb') as f:
            data = f.read(archive_files.MAX_ZIP_BYTES + 1)
        added, there, _ = similarity_store.import_archive(session, settings, Sender(settings.broker_url).similarity,
                                                          course, args.label, os.path.basename(args.zip), data)
    except OSError as exc:
        raise Refused('%s: %s' % (args.zip, exc.strerror or exc))
    except DomainError as exc:
        raise Refused(exc.message)
    assignments = similarity_store.assignments_of(session, course.id)
    out.write('added %d, already there %d\n' % (added, there))
    note('%d file(s) labelled %s in the archive of %s; its %d assignment report(s) sent to a worker'
         % (added, archive_files.clean_label(args.label), course.slug, len(assignments)))


COMMANDS = {'add-user': add_user, 'set-password': set_password, 'add-course': add_course,
            'add-assignment': add_assignment, 'enrol': enrol, 'set-skeleton': set_skeleton, 'list': list_all,
            'migrate-storage': migrate_storage, 'import-archive': import_archive, **lti_admin.COMMANDS}


def main(argv=None, out=None, err=None, database_url=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    err = err or sys.stderr
    engine = make_engine(database_url or get_settings().database_url)
    try:
        with make_sessionmaker(engine)() as session:
            COMMANDS[args.command](session, args, out or sys.stdout, lambda line: err.write(line + '\n'))
    except (Refused, lti_admin.Refused) as exc:
        err.write('error: %s\n' % exc)
        return 2
    finally:
        engine.dispose()
    return 0


if __name__ == '__main__':
    sys.exit(main())
