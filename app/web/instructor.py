"""The instructor dashboard: roster, charts, queue, a student's history, regrades with preview,
settings and roster import."""
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func, select

from app.accounts import passwords
from app.accounts.access import course_students, find_assignment, find_course_member, is_instructor, require_instructor
from app.core.errors import NotFound
from app.core.models import Assignment, Course, RegradeRun, Submission
from app.courses import audit, skeletons, terms
from app.courses.create import create_assignment, settings_problem
from app.courses.roster import enrol, parse_roster
from app.courses.terms import terms_for
from app.grading import previews
from app.grading.regrades import regrade_one
from app.http.bodylimit import BodyTooLarge
from app.http.deps import SessionDep
from app.http.forms import read_skeleton
from app.reports import dashboard
from app.reports.scores import summarise
from grader.catalog import PROFILES

from . import lti_grade_pages, lti_roster_pages
from .charts import histogram_svg, pass_rate_svg, timeline_svg
from .common import check_csrf, instructor_page, page_user, render, when
from .student import home_page

router = APIRouter(prefix='/instructor', include_in_schema=False)


def _queue_depth(settings):
    try:
        import redis
        client = redis.Redis.from_url(settings.broker_url, socket_timeout=1)
        return {q: client.llen(q) for q in ('cpu', 'gpu')}
    except Exception as exc:                            # shown on the page, never a 500
        return {'error': str(exc)[:120]}


def _dashboard(request, session, user, assignment, status_code=200, **extra):
    students = course_students(session, assignment.course_id)
    subs = session.scalars(select(Submission).where(Submission.assignment_id == assignment.id)).all()
    roster = summarise(students, subs, terms.schedule(session, assignment))
    ids = {u.email: u.id for u in students}
    for row in roster:
        row['id'] = ids[row['email']]
    latest = dashboard.latest_graded(subs)
    max_score = next((s.max_score for s in latest if s.max_score), 100.0)
    bests = [r['best'] for r in roster if r['best'] is not None]
    rates = dashboard.pass_rates(latest)
    points = dashboard.timeline(subs, assignment.due_at)
    now = datetime.now(timezone.utc)
    counts = dict(session.execute(select(Submission.status, func.count()).where(
        Submission.assignment_id == assignment.id).group_by(Submission.status)).all())
    return render(request, 'dashboard.html', user, status_code=status_code, assignment=assignment, roster=roster,
                  profiles=sorted(PROFILES), extensions=terms.extensions(session, assignment),
                  histogram=histogram_svg(dashboard.histogram(bests, max_score),
                                          'Best scores of %d students' % len(bests)),
                  pass_rates=pass_rate_svg(rates, 'Pass rate per check, latest graded submission of each student'),
                  timeline=timeline_svg(points, 48, 'Uploads per hour around the due date') if points else None,
                  counts=counts, queue=_queue_depth(request.app.state.settings),
                  workers=dashboard.workers(subs, now), running=[s for s in subs if s.status == 'running'],
                  runs=session.scalars(select(RegradeRun).where(RegradeRun.assignment_id == assignment.id)
                                       .order_by(RegradeRun.id.desc()).limit(5)).all(),
                  mean=sum(bests) / len(bests) if bests else None, skeleton=skeletons.summary(assignment),
                  max_skeleton=skeletons.MAX_BYTES,
                  changes=audit.recent(session, assignment.course_id, 20),
                  lti_grades=lti_grade_pages.summary(session, assignment),
                  lti_roster=lti_roster_pages.view(session, assignment.course_id), **extra)


@router.get('/assignments/{slug}')
def dashboard_page(slug: str, request: Request, session: SessionDep):
    user, assignment = instructor_page(request, session, slug)
    return _dashboard(request, session, user, assignment)


@router.get('/assignments/{slug}/students/{student_id}')
def history_page(slug: str, student_id: int, request: Request, session: SessionDep):
    user, assignment = instructor_page(request, session, slug)
    return _history(request, session, user, assignment, find_course_member(session, assignment, student_id))


@router.post('/assignments/{slug}/students/{student_id}/password')
def new_password(slug: str, student_id: int, request: Request, session: SessionDep, csrf: Annotated[str, Form()]):
    """A new random password for a student who forgot theirs, shown once; their sessions end."""
    user, assignment = instructor_page(request, session, slug, {'csrf': csrf})
    student = find_course_member(session, assignment, student_id)
    password = passwords.reset(session, user, student, assignment.course_id)
    return _history(request, session, user, assignment, student, new_password=password)


@router.post('/assignments/{slug}/students/{student_id}/extension')
def extension(slug: str, student_id: int, request: Request, session: SessionDep, csrf: Annotated[str, Form()],
              due_at: Annotated[str, Form()] = '', late_due_at: Annotated[str, Form()] = '',
              action: Annotated[str, Form()] = 'grant'):
    """Give a student their own due dates (or take them back); their late flags follow."""
    user, assignment = instructor_page(request, session, slug, {'csrf': csrf})
    student = find_course_member(session, assignment, student_id)
    if action == 'revoke':
        terms.revoke(session, assignment, student.id, user.id)
    else:
        try:
            due, late = _moment(due_at), _moment(late_due_at)
        except ValueError:
            return _history(request, session, user, assignment, student, status_code=422,
                            extension_error='a date is not a date', typed=(due_at, late_due_at))
        try:
            terms.grant(session, assignment, student.id, due, late, user.id)
        except ValueError as exc:
            session.rollback()
            return _history(request, session, user, assignment, student, status_code=422, extension_error=str(exc),
                            typed=(due_at, late_due_at))
    session.commit()
    lti_grade_pages.after_change(request, session, assignment, [student.id])       # a late penalty may go
    return _history(request, session, user, assignment, student, extension_saved=action)


def _history(request, session, user, assignment, student, status_code=200, **extra):
    subs = session.scalars(select(Submission).where(Submission.assignment_id == assignment.id,
                                                    Submission.owner_id == student.id)
                           .order_by(Submission.id.desc())).all()
    return render(request, 'history.html', user, status_code=status_code, assignment=assignment, student=student,
                  submissions=subs, reset_problem=passwords.reset_problem(session, user, student),
                  terms=terms_for(session, assignment, student.id), **extra)


@router.post('/submissions/{submission_id}/regrade')
async def regrade_submission(submission_id: int, request: Request, session: SessionDep):
    user = page_user(request, session)
    check_csrf(request, await request.form())
    sub = regrade_one(session, user, submission_id, request.app.state.settings, request.app.state.send_grading)
    return RedirectResponse('/submissions/%d' % sub.id, status_code=303)


@router.post('/assignments/{slug}/regrade-preview')
async def regrade_preview(slug: str, request: Request, session: SessionDep):
    user, assignment = instructor_page(request, session, slug, await request.form())
    run = previews.start(session, assignment, user, request.app.state.settings, request.app.state.send_preview)
    return RedirectResponse('/instructor/regrades/%d' % run.id, status_code=303)


def _run(session, user, run_id):
    run = session.get(RegradeRun, run_id)
    if run is None:
        raise HTTPException(404, 'no regrade %d' % run_id)
    assignment = session.get(Assignment, run.assignment_id)
    require_instructor(session, user, assignment, 'see this page')
    return run, assignment


@router.get('/regrades/{run_id}')
def regrade_page(run_id: int, request: Request, session: SessionDep):
    user = page_user(request, session)
    run, assignment = _run(session, user, run_id)
    rows = previews.changes(session, run)
    return render(request, 'regrade.html', user, run=run, assignment=assignment, rows=rows,
                  pending=sum(r['status'] == 'queued' for r in rows), changed=sum(r['changed'] for r in rows))


@router.post('/regrades/{run_id}/{action}')
async def regrade_decide(run_id: int, action: str, request: Request, session: SessionDep):
    user = page_user(request, session)
    check_csrf(request, await request.form())
    run, assignment = _run(session, user, run_id)
    if run.status != 'grading' or action not in ('apply', 'discard'):
        raise HTTPException(409, 'this regrade was already %s' % run.status)
    if action == 'apply':
        previews.apply(session, run, user.id)
        lti_grade_pages.after_regrade(request, session, run)
    else:
        run.status = 'discarded'
        audit.record(session, 'regrade discarded', user.id, assignment=assignment, detail='run %d' % run.id)
        session.commit()
    return RedirectResponse('/instructor/regrades/%d' % run.id, status_code=303)


SCORE_SETTINGS = ('due', 'late due', 'late penalty')       # a change moves late penalties: scores to the LMS again


def _settings_view(a):
    return {'title': a.title, 'profile': a.profile, 'due': when(a.due_at), 'late due': when(a.late_due_at),
            'late penalty': '%g %%' % (a.late_penalty * 100), 'uploads at once': a.rate_limit_burst,
            'uploads per hour': a.rate_limit_per_hour, 'details after due': a.details_after_due,
            'training checks': a.training_checks, 'leaderboard': a.leaderboard}


def _moment(text):
    if not text:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@router.post('/assignments/{slug}/settings')
def settings_form(slug: str, request: Request, session: SessionDep, csrf: Annotated[str, Form()],
                  title: Annotated[str, Form()], profile: Annotated[str, Form()],
                  due_at: Annotated[str, Form()] = '', late_due_at: Annotated[str, Form()] = '',
                  late_penalty_percent: Annotated[float, Form()] = 0.0,
                  rate_limit_burst: Annotated[int, Form()] = 5, rate_limit_per_hour: Annotated[int, Form()] = 10,
                  details_after_due: Annotated[bool, Form()] = False,
                  training_checks: Annotated[bool, Form()] = False, leaderboard: Annotated[bool, Form()] = False):
    user, assignment = instructor_page(request, session, slug, {'csrf': csrf})
    try:
        due, late = _moment(due_at), _moment(late_due_at)
    except ValueError:
        due = late = 'bad'
    problem = ('a date is not a date' if 'bad' in (due, late) else
               settings_problem(title, profile, due, late, late_penalty_percent, rate_limit_burst, rate_limit_per_hour)
               or skeletons.profile_problem(assignment, profile))
    if problem:
        session.rollback()
        return _dashboard(request, session, user, assignment, settings_error=problem)
    before = _settings_view(assignment)
    assignment.title, assignment.profile, assignment.due_at, assignment.late_due_at = title.strip(), profile, due, late
    assignment.late_penalty = late_penalty_percent / 100.0
    assignment.rate_limit_burst, assignment.rate_limit_per_hour = rate_limit_burst, rate_limit_per_hour
    assignment.details_after_due, assignment.training_checks = details_after_due, training_checks
    assignment.leaderboard = leaderboard
    after = _settings_view(assignment)
    changed = ['%s: %s → %s' % (k, before[k], v) for k, v in after.items() if before[k] != v]
    if changed:
        audit.record(session, 'settings changed', user.id, assignment=assignment, detail='; '.join(changed))
    terms.mark_late(session, assignment)
    session.commit()
    if any(before[k] != after[k] for k in SCORE_SETTINGS):
        lti_grade_pages.after_change(request, session, assignment)           # late penalties moved
    return _dashboard(request, session, user, assignment, settings_saved=True)


@router.post('/assignments/{slug}/skeleton')
async def skeleton_form(slug: str, request: Request, session: SessionDep):
    """The course's skeleton file, kept only when the profile serves everything it imports. The user and
    their right are checked before the body is read."""
    user = page_user(request, session)
    assignment = find_assignment(session, slug)
    require_instructor(session, user, assignment, 'see this page')
    try:
        form, data = await read_skeleton(request, session)
        check_csrf(request, form)
        skeletons.store(session, assignment, data, user.id)
    except BodyTooLarge:
        raise
    except HTTPException as exc:
        return _dashboard(request, session, user, assignment, status_code=exc.status_code, skeleton_error=exc.detail)
    except skeletons.SkeletonError as exc:
        session.rollback()
        return _dashboard(request, session, user, assignment, status_code=422, skeleton_error=str(exc))
    session.commit()
    return _dashboard(request, session, user, assignment, skeleton_saved=True)


@router.post('/assignments/{slug}/skeleton/remove')
def skeleton_remove(slug: str, request: Request, session: SessionDep, csrf: Annotated[str, Form()]):
    user, assignment = instructor_page(request, session, slug, {'csrf': csrf})
    skeletons.remove(session, assignment, user.id)
    session.commit()
    return _dashboard(request, session, user, assignment, skeleton_removed=True)


@router.post('/courses/{course_slug}/assignments')
def new_assignment(course_slug: str, request: Request, session: SessionDep, csrf: Annotated[str, Form()],
                   slug: Annotated[str, Form()], title: Annotated[str, Form()], profile: Annotated[str, Form()]):
    """A new assignment in a course the user teaches; its dates and limits are then set on its dashboard."""
    user = page_user(request, session)
    check_csrf(request, {'csrf': csrf})
    course = session.scalars(select(Course).where(Course.slug == course_slug)).first()
    if course is None:
        raise HTTPException(404, 'no course %r' % course_slug)
    if not is_instructor(session, user, course.id):
        raise HTTPException(403, 'only the course\'s instructors add assignments')
    try:
        assignment = create_assignment(session, course, slug.strip(), title, profile, actor_id=user.id)
    except ValueError as exc:
        session.rollback()
        return home_page(request, session, user, status_code=422, new_error=(course.id, str(exc)),
                         new_values={'slug': slug, 'title': title, 'profile': profile})
    session.commit()
    return RedirectResponse('/instructor/assignments/%s' % assignment.slug, status_code=303)


@router.post('/assignments/{slug}/extensions')
def extensions_import(slug: str, request: Request, session: SessionDep, csrf: Annotated[str, Form()],
                      extensions: Annotated[str, Form()]):
    """Many extensions at once (an accommodation list): all of them, or none when a line is refused."""
    user, assignment = instructor_page(request, session, slug, {'csrf': csrf})
    try:
        rows = terms.parse_extensions(extensions)
        students = [_member(session, assignment, email, n) for n, (email, _, _) in enumerate(rows, start=2)]
    except ValueError as exc:
        return _dashboard(request, session, user, assignment, status_code=422, extensions_error=str(exc),
                          extensions_text=extensions)
    for student, (_, due, late) in zip(students, rows):
        terms.grant(session, assignment, student.id, due, late, user.id)
    session.commit()
    lti_grade_pages.after_change(request, session, assignment, [student.id for student in students])
    return _dashboard(request, session, user, assignment, extensions_saved=len(rows))


def _member(session, assignment, email, line):
    try:
        return find_course_member(session, assignment, email=email)
    except NotFound:
        raise ValueError('line %d: %s is not enrolled in this course' % (line, email or 'an empty e-mail'))


@router.post('/assignments/{slug}/roster')
def roster_import(slug: str, request: Request, session: SessionDep, csrf: Annotated[str, Form()],
                  roster: Annotated[str, Form()]):
    """Enrol the listed people in the assignment's course; new accounts get a password shown once."""
    user, assignment = instructor_page(request, session, slug, {'csrf': csrf})
    try:
        rows = parse_roster(roster)
    except ValueError as exc:
        return _dashboard(request, session, user, assignment, roster_error=str(exc))
    result = enrol(session, assignment.course_id, rows, user.id)
    session.commit()
    return _dashboard(request, session, user, assignment, roster_result=result)
