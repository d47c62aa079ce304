"""partial_checks: the checks decided while a submission runs; submissions.pending; an index for queue positions

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partial_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('claim', sa.String(length=32), nullable=False),
    sa.Column('check_id', sa.String(length=120), nullable=False),
    sa.Column('component', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('error', sa.Float(), nullable=True),
    sa.Column('threshold', sa.Float(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('output', sa.Text(), nullable=False),
    sa.Column('visibility', sa.String(length=20), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('metric', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partial_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partial_checks_submission_id'), ['submission_id'], unique=False)
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending', sa.JSON(), nullable=True))
        batch_op.create_index('ix_submissions_waiting', ['queue', 'status', 'enqueued_at'], unique=False)


def downgrade():
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index('ix_submissions_waiting')
        batch_op.drop_column('pending')
    with op.batch_alter_table('partial_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partial_checks_submission_id'))
    op.drop_table('partial_checks')
