"""Pages for everyone signed in: sign in/out, home, an assignment with its upload area, a submission."""
from datetime import datetime, timezone
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from app.accounts.access import find_assignment, is_instructor, require_member, readable_submission
from app.accounts.security import token_digest
from app.accounts.signin import authenticate, issue_token
from app.core.errors import DomainError
from app.core.models import ApiToken, Assignment, Course, Membership, Submission, User
from app.core.service_keys import pseudonym_key
from app.core.throttle import describe_wait
from app.courses.terms import terms_for
from app.grading.progress import shown_checks
from app.grading.submit import accept, admit, closed, uploads_left
from app.grading.uploads import ALLOWED_SUFFIXES
from app.grading.waiting import queue_wait
from app.http.bodylimit import BodyTooLarge
from app.http.deps import COOKIE, SessionDep
from app.http.errors import status_of
from app.http.forms import read_upload
from app.reports import similarity_store
from app.reports.changes import since_last
from app.reports.feedback import details_hidden, reproducers
from app.reports.leaderboard import pseudonym, standings
from grader.catalog import PROFILES

from .common import check_csrf, page_user, render

router = APIRouter(include_in_schema=False)


def _safe_next(target):
    return target if target.startswith('/') and not target.startswith('//') else '/'


@router.get('/login')
def login_form(request: Request, next: str = '/'):
    return render(request, 'login.html', next=_safe_next(next))


def _cross_site(request):
    """A form sent from another site (the browser says so, or its Origin names another host)."""
    if request.headers.get('sec-fetch-site') == 'cross-site':
        return True
    origin = request.headers.get('origin')
    return bool(origin) and urlsplit(origin).netloc != request.headers.get('host', '')


@router.post('/login')
def login(request: Request, session: SessionDep, username: Annotated[str, Form()],
          password: Annotated[str, Form()], next: Annotated[str, Form()] = '/'):
    settings = request.app.state.settings
    if _cross_site(request):              # another site's page signing a visitor into an account it chose
        return render(request, 'login.html', status_code=403, error='sign in from this site\'s own sign-in page',
                      next='/')
    try:
        user = authenticate(session, settings, request.client.host if request.client else None, username, password)
    except DomainError as exc:
        return render(request, 'login.html', status_code=status_of(exc), error=exc.message, username=username,
                      next=_safe_next(next))
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, issue_token(session, settings, user), max_age=settings.token_lifetime_s,
                        httponly=True, samesite='strict', secure=settings.cookie_secure)
    return response


@router.post('/logout')
async def logout(request: Request, session: SessionDep):
    check_csrf(request, await request.form())
    token = request.cookies.get(COOKIE)
    if token:
        row = session.scalars(select(ApiToken).where(ApiToken.token_sha256 == token_digest(token))).first()
        if row is not None:
            session.delete(row)
            session.commit()
    response = RedirectResponse('/login', status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get('/')
def home(request: Request, session: SessionDep):
    return home_page(request, session, page_user(request, session))


def home_page(request, session, user, status_code=200, **extra):
    """Each course of the user with its assignments (instructors: a form for a new one)."""
    courses = session.execute(select(Course, Membership.role).join(Membership, Membership.course_id == Course.id)
                              .where(Membership.user_id == user.id).order_by(Course.title)).all()
    if user.role == 'admin':
        courses = [(c, 'instructor') for c in session.scalars(select(Course).order_by(Course.title))]
    listing = [(course, role, [(a, terms_for(session, a, user.id)) for a in session.scalars(
                    select(Assignment).where(Assignment.course_id == course.id)
                    .order_by(Assignment.due_at, Assignment.slug))])
               for course, role in courses]
    return render(request, 'home.html', user, status_code=status_code, listing=listing, profiles=sorted(PROFILES),
                  **extra)


def _assignment_page(request, session, user, assignment, error=None, status_code=200):
    role = require_member(session, user, assignment)
    left, wait = uploads_left(session, user, assignment)
    terms = terms_for(session, assignment, user.id)
    subs = session.scalars(select(Submission).where(Submission.owner_id == user.id,
                                                    Submission.assignment_id == assignment.id)
                           .order_by(Submission.id.desc())).all()
    settings = request.app.state.settings
    return render(request, 'assignment.html', user, status_code=status_code, assignment=assignment, role=role,
                  submissions=subs, left=left, wait=describe_wait(wait) if wait else '', error=error,
                  suffixes=ALLOWED_SUFFIXES, max_file=settings.upload_max_file_bytes,
                  max_request=settings.upload_max_request_bytes,
                  terms=terms, closed=closed(role, terms, datetime.now(timezone.utc)))


@router.get('/assignments/{slug}')
def assignment_page(slug: str, request: Request, session: SessionDep):
    user = page_user(request, session)
    return _assignment_page(request, session, user, find_assignment(session, slug))


@router.post('/assignments/{slug}/upload')
async def upload_form(slug: str, request: Request, session: SessionDep):
    """The upload without JavaScript: same rules as the API, the answer is a page. The signed-in user and
    their right to upload are checked before the body is read."""
    user = await run_in_threadpool(page_user, request, session)            # SQL never blocks the event loop
    assignment = await run_in_threadpool(find_assignment, session, slug)
    settings = request.app.state.settings
    try:
        await run_in_threadpool(admit, session, user, assignment, datetime.now(timezone.utc))
        form, received = await read_upload(request, session, settings.upload_max_request_bytes)
        check_csrf(request, form)
        sub, duplicate = await run_in_threadpool(accept, session, settings, request.app.state.send_grading, user,
                                                 assignment, received)
        if not duplicate:
            await run_in_threadpool(similarity_store.send, request.app.state.send_similarity, assignment.id)
    except BodyTooLarge:
        raise                                          # answered by the error page, the connection closed
    except HTTPException as exc:                       # the body (app.http.forms) or the CSRF field
        return _assignment_page(request, session, user, assignment, exc.detail, exc.status_code)
    except DomainError as exc:                         # the rules (app.grading.submit)
        return _assignment_page(request, session, user, assignment, exc.message, status_of(exc))
    return RedirectResponse('/submissions/%d' % sub.id, status_code=303)


@router.get('/submissions/{submission_id}')
def submission_page(submission_id: int, request: Request, session: SessionDep):
    user = page_user(request, session)
    sub, assignment = readable_submission(session, user, submission_id)
    instructor = is_instructor(session, user, assignment.course_id)
    checks = shown_checks(session, sub)              # while running: the running attempt's, decided so far
    groups = {}
    for c in checks:
        groups.setdefault(c.component, []).append(c)
    owner = sub.owner_id == user.id
    terms = terms_for(session, assignment, sub.owner_id)
    hidden = details_hidden(assignment, terms, instructor)
    return render(request, 'submission.html', user, sub=sub, assignment=assignment, instructor=instructor,
                  owner=owner, groups=groups, checks=checks, terms=terms, hidden=hidden, wait=queue_wait(session, sub),
                  owner_email=None if owner else session.get(User, sub.owner_id).email,
                  changes=since_last(session, sub, hidden), repros=reproducers(checks, assignment, hidden))


@router.get('/assignments/{slug}/leaderboard')
def leaderboard_page(slug: str, request: Request, session: SessionDep):
    user = page_user(request, session)
    assignment = find_assignment(session, slug)
    require_member(session, user, assignment)
    if not assignment.leaderboard:
        raise HTTPException(404, '%s has no leaderboard' % slug)
    subs = session.scalars(select(Submission).where(Submission.assignment_id == assignment.id)).all()
    key = pseudonym_key(request.app.state.settings, session)
    return render(request, 'leaderboard.html', user, assignment=assignment,
                  rows=standings(subs, key, assignment.id), me=pseudonym(key, assignment.id, user.id))
