"""Tables: users and their tokens, courses, assignments, submissions and their check rows (table check_results)."""
from datetime import datetime
from typing import Optional

from sqlalchemy import (JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ('student', 'instructor', 'admin')
STATUSES = ('queued', 'running', 'graded', 'error')


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = 'users'
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default='')
    role: Mapped[str] = mapped_column(String(20), default='student')
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A bearer token, stored as its sha256 only."""
    __tablename__ = 'api_tokens'
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship()


class Course(Base):
    __tablename__ = 'courses'
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))


class Membership(Base):
    """A user's role in a course (student or instructor)."""
    __tablename__ = 'memberships'
    __table_args__ = (UniqueConstraint('user_id', 'course_id'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    course_id: Mapped[int] = mapped_column(ForeignKey('courses.id', ondelete='CASCADE'))
    role: Mapped[str] = mapped_column(String(20), default='student')


class AccountHome(Base):
    """The course whose roster made an account: its instructors may issue the account a new password while it
    is a student of their courses only (app.accounts.passwords). Accounts the operator made have none."""
    __tablename__ = 'account_homes'
    user_id: Mapped[int] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey('courses.id', ondelete='CASCADE'))


class IssuedPassword(Base):
    """An account whose password the service made up and showed to someone (a course's instructor, through its
    roster or a reset; the operator: no course), not yet replaced by its holder. Another course enrolling it
    gives it a new password instead (app.courses.roster), so what one course was shown never opens another's."""
    __tablename__ = 'issued_passwords'
    user_id: Mapped[int] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), primary_key=True)
    course_id: Mapped[Optional[int]] = mapped_column(ForeignKey('courses.id', ondelete='CASCADE'))


class Assignment(Base):
    __tablename__ = 'assignments'
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey('courses.id', ondelete='CASCADE'), index=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    profile: Mapped[str] = mapped_column(String(64), default='eecs498')
    due_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    late_due_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    late_penalty: Mapped[float] = mapped_column(Float, default=0.0)          # fraction taken off late scores
    rate_limit_per_hour: Mapped[int] = mapped_column(Integer, default=10)
    rate_limit_burst: Mapped[int] = mapped_column(Integer, default=5)
    details_after_due: Mapped[bool] = mapped_column(Boolean, default=False)  # hide check details until due
    training_checks: Mapped[bool] = mapped_column(Boolean, default=True)     # the slow checks that train nets
    device: Mapped[str] = mapped_column(String(10), default='cpu')           # cpu | cuda
    leaderboard: Mapped[bool] = mapped_column(Boolean, default=False)        # pseudonymous training results
    skeleton: Mapped[Optional[str]] = mapped_column(Text)                    # the course's handout (grader.skeleton)
    skeleton_boilerplate: Mapped[Optional[list]] = mapped_column(JSON)       # its [first, last] code lines outside TODOs


class Extension(Base):
    """A student's own due dates for an assignment (accommodations, illness), granted by an instructor."""
    __tablename__ = 'extensions'
    __table_args__ = (UniqueConstraint('assignment_id', 'user_id'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey('assignments.id', ondelete='CASCADE'), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    late_due_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    granted_by: Mapped[Optional[int]] = mapped_column(ForeignKey('users.id', ondelete='SET NULL'))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    """Who changed what (settings, extensions, passwords, rosters, regrades); actor None: the operator's CLI."""
    __tablename__ = 'audit_events'
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey('users.id', ondelete='SET NULL'))
    course_id: Mapped[Optional[int]] = mapped_column(ForeignKey('courses.id', ondelete='CASCADE'), index=True)
    assignment_id: Mapped[Optional[int]] = mapped_column(ForeignKey('assignments.id', ondelete='CASCADE'))
    subject_id: Mapped[Optional[int]] = mapped_column(ForeignKey('users.id', ondelete='SET NULL'))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default='')


class Submission(Base):
    __tablename__ = 'submissions'
    __table_args__ = (Index('ix_submissions_waiting', 'queue', 'status', 'enqueued_at'),)   # queue positions
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey('users.id'), index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey('assignments.id'), index=True)
    files: Mapped[list] = mapped_column(JSON)                  # [{"name", "sha256", "size"}]
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(20), default='queued', index=True)
    score: Mapped[Optional[float]] = mapped_column(Float)
    max_score: Mapped[Optional[float]] = mapped_column(Float)
    grader_version: Mapped[Optional[str]] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[Optional[str]] = mapped_column(String(200))
    queue: Mapped[str] = mapped_column(String(10), default='cpu')
    claim: Mapped[Optional[str]] = mapped_column(String(32))   # the attempt whose results may be saved
    error: Mapped[Optional[str]] = mapped_column(Text)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    enqueued_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    checks: Mapped[list['CheckRow']] = relationship(cascade='all, delete-orphan', order_by='CheckRow.id')
    pending: Mapped[Optional[list]] = mapped_column(JSON)      # components still to decide while it runs


class CheckColumns:
    """What a stored check holds (grader.report.CheckResult is the grader's own, in memory): final or partial."""
    check_id: Mapped[str] = mapped_column(String(120))
    component: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20))
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    error: Mapped[Optional[float]] = mapped_column(Float)
    threshold: Mapped[Optional[float]] = mapped_column(Float)
    message: Mapped[str] = mapped_column(Text, default='')
    output: Mapped[str] = mapped_column(Text, default='')
    visibility: Mapped[str] = mapped_column(String(20), default='visible')
    description: Mapped[str] = mapped_column(Text, default='')     # the configuration checked
    metric: Mapped[str] = mapped_column(String(20), default='')


class CheckRow(CheckColumns, Base):
    """One check of a graded submission as stored."""
    __tablename__ = 'check_results'
    __table_args__ = (UniqueConstraint('submission_id', 'check_id'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey('submissions.id', ondelete='CASCADE'), index=True)


class PartialCheck(CheckColumns, Base):
    """A check decided while its submission still runs, tied to the attempt (claim) that decided it. Shown only
    while that attempt holds the claim; the final report's CheckRows replace them (app.grading.progress)."""
    __tablename__ = 'partial_checks'
    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey('submissions.id', ondelete='CASCADE'), index=True)
    claim: Mapped[str] = mapped_column(String(32))


class RegradeRun(Base):
    """A regrade of an assignment graded aside first, so that instructors see the changes before applying."""
    __tablename__ = 'regrade_runs'
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey('assignments.id', ondelete='CASCADE'), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey('users.id'))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default='grading')     # grading | applied | discarded
    items: Mapped[list['RegradeItem']] = relationship(cascade='all, delete-orphan', order_by='RegradeItem.id')


class RegradeItem(Base):
    __tablename__ = 'regrade_items'
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey('regrade_runs.id', ondelete='CASCADE'), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey('submissions.id', ondelete='CASCADE'))
    old_score: Mapped[Optional[float]] = mapped_column(Float)
    new_score: Mapped[Optional[float]] = mapped_column(Float)
    new_max_score: Mapped[Optional[float]] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default='queued')      # queued | done | error
    report: Mapped[Optional[str]] = mapped_column(Text)                    # the new Report as JSON


class Throttle(Base):
    """A token bucket (rate limits of uploads and of wrong passwords); times are epoch seconds."""
    __tablename__ = 'throttles'
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    updated: Mapped[float] = mapped_column(Float)


class Blob(Base):
    """An uploaded file, content-addressed (app.core.storage with AG_STORAGE=db): every worker reaches it."""
    __tablename__ = 'blobs'
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ServiceSecret(Base):
    """A key the service made up once (app.core.service_keys): in SQL, so every API host uses the same."""
    __tablename__ = 'service_secrets'
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


class ArchiveFile(Base):
    """A file of a course's similarity archive (past years' submissions, solutions found online), its bytes in
    app.core.storage; only the course's instructors see it."""
    __tablename__ = 'archive_files'
    __table_args__ = (UniqueConstraint('course_id', 'sha256'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey('courses.id', ondelete='CASCADE'), index=True)
    label: Mapped[str] = mapped_column(String(200))              # where it came from ("EECS 498 fall 2025")
    name: Mapped[str] = mapped_column(String(255))               # its path in the uploaded zip
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PrintSet(Base):
    """The winnowed fingerprints of one file (by its sha256) with a handout's code left out (basis: the handout's
    digest, '' for none), packed by app.reports.similarity.pack."""
    __tablename__ = 'print_sets'
    __table_args__ = (UniqueConstraint('sha256', 'basis'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    basis: Mapped[str] = mapped_column(String(64), default='')
    count: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PrintHash(Base):
    """The inverted index: which print sets hold a fingerprint (a new file is compared by looking its hashes up)."""
    __tablename__ = 'print_hashes'
    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    print_id: Mapped[int] = mapped_column(ForeignKey('print_sets.id', ondelete='CASCADE'), primary_key=True)


class SimilarityState(Base):
    """An assignment's similarity report: its progress and the code left out as given (the skeleton's k-grams,
    or without one the fingerprints more than half the class shares at the last full run)."""
    __tablename__ = 'similarity_states'
    assignment_id: Mapped[int] = mapped_column(ForeignKey('assignments.id', ondelete='CASCADE'), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default='queued')     # queued | running | done | error
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    students: Mapped[int] = mapped_column(Integer, default=0)
    given_from: Mapped[str] = mapped_column(String(80), default='')       # 'skeleton <digest>' | 'class'
    given: Mapped[list] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(Text, default='')
    started_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))


class SimilarityMember(Base):
    """A file compared in an assignment's report ('s:<submission id>': a student's latest, 'a:<archive file id>')
    and how many fingerprints of its own it has (not given)."""
    __tablename__ = 'similarity_members'
    assignment_id: Mapped[int] = mapped_column(ForeignKey('assignments.id', ondelete='CASCADE'), primary_key=True)
    holder: Mapped[str] = mapped_column(String(40), primary_key=True)
    print_id: Mapped[int] = mapped_column(ForeignKey('print_sets.id', ondelete='CASCADE'))
    own: Mapped[int] = mapped_column(Integer)


class SimilarityPair(Base):
    """A student's latest file and another student's (other_submission_id) or an archive file
    (archive_file_id) sharing at least MIN_SCORE of what the smaller of the two wrote."""
    __tablename__ = 'similarity_pairs'
    __table_args__ = (UniqueConstraint('assignment_id', 'key'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey('assignments.id', ondelete='CASCADE'), index=True)
    key: Mapped[str] = mapped_column(String(40))                     # 's:<low id>:<high id>' | 'a:<sub>:<file>'
    submission_id: Mapped[int] = mapped_column(ForeignKey('submissions.id', ondelete='CASCADE'), index=True)
    other_submission_id: Mapped[Optional[int]] = mapped_column(ForeignKey('submissions.id', ondelete='CASCADE'),
                                                               index=True)
    archive_file_id: Mapped[Optional[int]] = mapped_column(ForeignKey('archive_files.id', ondelete='CASCADE'))
    shared: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
