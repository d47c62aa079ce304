"""pages: check details, leaderboard, regrade previews

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('regrade_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('regrade_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regrade_runs_assignment_id'), ['assignment_id'], unique=False)

    op.create_table('regrade_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.Column('old_score', sa.Float(), nullable=True),
    sa.Column('new_score', sa.Float(), nullable=True),
    sa.Column('new_max_score', sa.Float(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('report', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['regrade_runs.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('regrade_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regrade_items_run_id'), ['run_id'], unique=False)

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leaderboard', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('check_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('metric', sa.String(length=20), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('check_results', schema=None) as batch_op:
        batch_op.drop_column('metric')
        batch_op.drop_column('description')

    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('leaderboard')

    with op.batch_alter_table('regrade_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regrade_items_run_id'))

    op.drop_table('regrade_items')
    with op.batch_alter_table('regrade_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regrade_runs_assignment_id'))

    op.drop_table('regrade_runs')
