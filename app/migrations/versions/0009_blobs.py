"""blobs: the uploaded files in the database (AG_STORAGE=db), keyed by their sha256

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('blobs',
                    sa.Column('sha256', sa.String(length=64), nullable=False),
                    sa.Column('size', sa.Integer(), nullable=False),
                    sa.Column('data', sa.LargeBinary(), nullable=False),
                    sa.PrimaryKeyConstraint('sha256'))


def downgrade():
    op.drop_table('blobs')
