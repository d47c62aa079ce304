"""service_secrets: keys the service makes up once (the leaderboard's pseudonym key), shared by every API host

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_secrets', sa.Column('name', sa.String(length=64), primary_key=True),
                    sa.Column('value', sa.String(length=128), nullable=False))


def downgrade():
    op.drop_table('service_secrets')
