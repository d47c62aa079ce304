"""The LTI tables, on the service's metadata (app.core.models.Base); alembic's env imports this module.

Sizes: every string a platform or an admin sends is bounded here and checked before it is stored."""
from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base

ID_MAX = 255          # issuer, client id, deployment id, sub, context id, resource link id
URL_MAX = 500


class LtiPlatform(Base):
    """A registration: one LMS (issuer) and the client id it gave this tool."""
    __tablename__ = 'lti_platforms'
    __table_args__ = (UniqueConstraint('issuer', 'client_id'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default='')
    issuer: Mapped[str] = mapped_column(String(ID_MAX))
    client_id: Mapped[str] = mapped_column(String(ID_MAX))
    login_url: Mapped[str] = mapped_column(String(URL_MAX))        # the platform's OIDC authorization endpoint
    token_url: Mapped[str] = mapped_column(String(URL_MAX))        # its OAuth2 token endpoint (AGS, NRPS)
    jwks_url: Mapped[str] = mapped_column(String(URL_MAX))         # its public keys
    default_assignment_id: Mapped[Optional[int]] = mapped_column(ForeignKey('assignments.id', ondelete='SET NULL'))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LtiDeployment(Base):
    """A deployment id the platform may send for this registration; launches with any other are refused."""
    __tablename__ = 'lti_deployments'
    __table_args__ = (UniqueConstraint('platform_id', 'deployment_id'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey('lti_platforms.id', ondelete='CASCADE'), index=True)
    deployment_id: Mapped[str] = mapped_column(String(ID_MAX))


class LtiToolKey(Base):
    """One of the tool's RSA key pairs (app.lti.keys): the newest unretired one signs; all are published."""
    __tablename__ = 'lti_tool_keys'
    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))


class LtiLoginState(Base):
    """A login started (/lti/login) and not yet finished: the state and nonce sent to the platform. Used once."""
    __tablename__ = 'lti_login_states'
    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64))
    platform_id: Mapped[int] = mapped_column(ForeignKey('lti_platforms.id', ondelete='CASCADE'))
    params: Mapped[dict] = mapped_column(JSON)          # the login request's parameters: a new window resends them
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LtiNonce(Base):
    """A nonce of an accepted id_token, kept until the token would have expired: a replay finds it here."""
    __tablename__ = 'lti_nonces'
    platform_id: Mapped[int] = mapped_column(ForeignKey('lti_platforms.id', ondelete='CASCADE'), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LtiAccount(Base):
    """The grader account of a platform's user (sub), never found by e-mail."""
    __tablename__ = 'lti_accounts'
    __table_args__ = (UniqueConstraint('platform_id', 'sub'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey('lti_platforms.id', ondelete='CASCADE'))
    sub: Mapped[str] = mapped_column(String(ID_MAX))
    user_id: Mapped[int] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'), index=True)


class LtiContext(Base):
    """A course of the LMS (context id) linked to a course of the grader by an admin (lti-link-course)."""
    __tablename__ = 'lti_contexts'
    __table_args__ = (UniqueConstraint('platform_id', 'context_id'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey('lti_platforms.id', ondelete='CASCADE'))
    context_id: Mapped[str] = mapped_column(String(ID_MAX))
    course_id: Mapped[int] = mapped_column(ForeignKey('courses.id', ondelete='CASCADE'), index=True)
    title: Mapped[str] = mapped_column(String(200), default='')
    memberships_url: Mapped[Optional[str]] = mapped_column(String(URL_MAX))   # NRPS, from the last launch
    lineitems_url: Mapped[Optional[str]] = mapped_column(String(URL_MAX))     # AGS, from the last launch


class LtiResourceLink(Base):
    """A link in the LMS course (resource link id): the assignment it opens (deep linking sets it) and its
    gradebook column (AGS line item, from the last launch)."""
    __tablename__ = 'lti_resource_links'
    __table_args__ = (UniqueConstraint('platform_id', 'resource_link_id'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey('lti_platforms.id', ondelete='CASCADE'))
    resource_link_id: Mapped[str] = mapped_column(String(ID_MAX))
    context_id: Mapped[int] = mapped_column(ForeignKey('lti_contexts.id', ondelete='CASCADE'), index=True)
    assignment_id: Mapped[Optional[int]] = mapped_column(ForeignKey('assignments.id', ondelete='SET NULL'))
    lineitem_url: Mapped[Optional[str]] = mapped_column(String(URL_MAX))
    title: Mapped[str] = mapped_column(String(200), default='')


class LtiGradeSync(Base):
    """A student's score for one LMS link (its AGS line item): the last one sent, or being sent (app.lti.passback).
    status: pending (to send), sent, failed (retries spent; last_error says why)."""
    __tablename__ = 'lti_grade_syncs'
    __table_args__ = (UniqueConstraint('link_id', 'user_id'),)
    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey('lti_resource_links.id', ondelete='CASCADE'), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    score_given: Mapped[Optional[float]] = mapped_column(Float)
    score_maximum: Mapped[Optional[float]] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default='pending')
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default='')
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))


class LtiRosterSync(Base):
    """A roster sync of a linked LMS course (NRPS), asked for on the dashboard and done by a worker.
    status: queued, running, done, failed (message says why)."""
    __tablename__ = 'lti_roster_syncs'
    id: Mapped[int] = mapped_column(primary_key=True)
    context_id: Mapped[int] = mapped_column(ForeignKey('lti_contexts.id', ondelete='CASCADE'), index=True)
    requested_by: Mapped[Optional[int]] = mapped_column(ForeignKey('users.id', ondelete='SET NULL'))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default='queued')
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(String(500), default='')


class LtiDeepLinkRequest(Base):
    """A deep linking launch waiting for the instructor's choice of assignment: where to send the answer.
    Its id is a random token in the choosing page; used once, by the user it was made for, before expires_at."""
    __tablename__ = 'lti_deep_link_requests'
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey('lti_platforms.id', ondelete='CASCADE'))
    deployment_id: Mapped[str] = mapped_column(String(ID_MAX))
    return_url: Mapped[str] = mapped_column(String(URL_MAX))
    data: Mapped[Optional[str]] = mapped_column(String(2048))       # the platform's opaque data, sent back
    course_id: Mapped[int] = mapped_column(ForeignKey('courses.id', ondelete='CASCADE'))
    user_id: Mapped[int] = mapped_column(ForeignKey('users.id', ondelete='CASCADE'))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
