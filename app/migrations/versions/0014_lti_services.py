"""LTI Advantage services: scores sent to LMS gradebooks (AGS), roster syncs (NRPS), deep linking requests
waiting for an instructor's choice; the AGS line items URL of an LMS course, a link's title

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('lti_contexts', sa.Column('lineitems_url', sa.String(length=500), nullable=True))
    op.add_column('lti_resource_links', sa.Column('title', sa.String(length=200), nullable=False,
                                                  server_default=''))
    op.create_table('lti_grade_syncs',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('link_id', sa.Integer(), sa.ForeignKey('lti_resource_links.id', ondelete='CASCADE'), nullable=False),
    sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
    sa.Column('score_given', sa.Float(), nullable=True),
    sa.Column('score_maximum', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.UniqueConstraint('link_id', 'user_id'))
    op.create_index('ix_lti_grade_syncs_link_id', 'lti_grade_syncs', ['link_id'])
    op.create_table('lti_roster_syncs',
    sa.Column('id', sa.Integer(), primary_key=True),
    sa.Column('context_id', sa.Integer(), sa.ForeignKey('lti_contexts.id', ondelete='CASCADE'), nullable=False),
    sa.Column('requested_by', sa.Integer(), sa.ForeignKey('users.id', ondelete='SET NULL'), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.Column('message', sa.String(length=500), nullable=False))
    op.create_index('ix_lti_roster_syncs_context_id', 'lti_roster_syncs', ['context_id'])
    op.create_table('lti_deep_link_requests',
    sa.Column('id', sa.String(length=64), primary_key=True),
    sa.Column('platform_id', sa.Integer(), sa.ForeignKey('lti_platforms.id', ondelete='CASCADE'), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.Column('return_url', sa.String(length=500), nullable=False),
    sa.Column('data', sa.String(length=2048), nullable=True),
    sa.Column('course_id', sa.Integer(), sa.ForeignKey('courses.id', ondelete='CASCADE'), nullable=False),
    sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id', ondelete='CASCADE'), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False))
    op.create_index('ix_lti_deep_link_requests_expires_at', 'lti_deep_link_requests', ['expires_at'])


def downgrade():
    for table in ('lti_deep_link_requests', 'lti_roster_syncs', 'lti_grade_syncs'):
        op.drop_table(table)
    op.drop_column('lti_resource_links', 'title')
    op.drop_column('lti_contexts', 'lineitems_url')
