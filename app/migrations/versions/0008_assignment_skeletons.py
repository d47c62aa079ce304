"""assignment skeletons: the course's handout file, checked against the profile, and its boilerplate lines

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('skeleton', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('skeleton_boilerplate', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('skeleton_boilerplate')
        batch_op.drop_column('skeleton')
