"""issued passwords: accounts whose password the service made up and showed to someone, not yet replaced

Existing accounts a roster made (account_homes) whose holder never changed the password (no 'password changed'
event of their own) count as issued by their home course.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('issued_passwords',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.execute("INSERT INTO issued_passwords (user_id, course_id) SELECT h.user_id, h.course_id FROM account_homes h "
               "WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.action = 'password changed' "
               "AND e.subject_id = h.user_id)")


def downgrade():
    op.drop_table('issued_passwords')
