"""LTI 1.3: platform registrations and deployments, the tool's keys, logins in flight, used nonces, linked
accounts (platform, sub), LMS courses (contexts) and links (resource links)

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def _platform_fk():
    return sa.ForeignKey('lti_platforms.id', ondelete='CASCADE')


def upgrade():
    op.create_table('lti_platforms',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('login_url', sa.String(length=500), nullable=False),
    sa.Column('token_url', sa.String(length=500), nullable=False),
    sa.Column('jwks_url', sa.String(length=500), nullable=False),
    sa.Column('default_assignment_id', sa.Integer(), sa.ForeignKey('assignments.id', ondelete='SET NULL'),
              nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint('issuer', 'client_id'))
    op.create_table('lti_deployments',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('platform_id', sa.Integer(), _platform_fk(), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.UniqueConstraint('platform_id', 'deployment_id'))
    op.create_index('ix_lti_deployments_platform_id', 'lti_deployments', ['platform_id'])
    op.create_table('lti_tool_keys',
    sa.Column('kid', sa.String(length=64), primary_key=True),
    sa.Column('private_pem', sa.Text(), nullable=False),
    sa.Column('public_jwk', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('lti_login_states',
    sa.Column('state', sa.String(length=64), primary_key=True),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('platform_id', sa.Integer(), _platform_fk(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False))
    op.create_index('ix_lti_login_states_expires_at', 'lti_login_states', ['expires_at'])
    op.create_table('lti_nonces',
    sa.Column('platform_id', sa.Integer(), _platform_fk(), primary_key=True),
    sa.Column('nonce', sa.String(length=64), primary_key=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False))
    op.create_index('ix_lti_nonces_expires_at', 'lti_nonces', ['expires_at'])
    op.create_table('lti_accounts',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('platform_id', sa.Integer(), _platform_fk(), nullable=False),
    sa.Column('sub', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
    sa.UniqueConstraint('platform_id', 'sub'))
    op.create_index('ix_lti_accounts_user_id', 'lti_accounts', ['user_id'])
    op.create_table('lti_contexts',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('platform_id', sa.Integer(), _platform_fk(), nullable=False),
    sa.Column('context_id', sa.String(length=255), nullable=False),
    sa.Column('course_id', sa.Integer(), sa.ForeignKey('courses.id', ondelete='CASCADE'), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('memberships_url', sa.String(length=500), nullable=True),
    sa.UniqueConstraint('platform_id', 'context_id'))
    op.create_index('ix_lti_contexts_course_id', 'lti_contexts', ['course_id'])
    op.create_table('lti_resource_links',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('platform_id', sa.Integer(), _platform_fk(), nullable=False),
    sa.Column('resource_link_id', sa.String(length=255), nullable=False),
    sa.Column('context_id', sa.Integer(), sa.ForeignKey('lti_contexts.id', ondelete='CASCADE'), nullable=False),
    sa.Column('assignment_id', sa.Integer(), sa.ForeignKey('assignments.id', ondelete='SET NULL'), nullable=True),
    sa.Column('lineitem_url', sa.String(length=500), nullable=True),
    sa.UniqueConstraint('platform_id', 'resource_link_id'))
    op.create_index('ix_lti_resource_links_context_id', 'lti_resource_links', ['context_id'])


def downgrade():
    for table in ('lti_resource_links', 'lti_contexts', 'lti_accounts', 'lti_nonces', 'lti_login_states',
                  'lti_tool_keys', 'lti_deployments', 'lti_platforms'):
        op.drop_table(table)
