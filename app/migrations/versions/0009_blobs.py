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
    """Empty: a folder's files come in with python -m app.admin migrate-storage --from-dir PATH."""
    op.create_table('blobs', sa.Column('sha256', sa.String(length=64), primary_key=True),
                    sa.Column('size', sa.Integer(), nullable=False),
                    sa.Column('data', sa.LargeBinary(), nullable=False))


def downgrade():
    op.drop_table('blobs')
