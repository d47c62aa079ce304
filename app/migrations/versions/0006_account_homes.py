"""account homes: the course whose roster made an account

Its instructors may issue the account a new password while it is a student of their courses only. Existing
students enrolled in exactly one course (as a student) get that course; everyone else none (admins only).

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_homes',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    op.execute("INSERT INTO account_homes (user_id, course_id) SELECT u.id, min(m.course_id) FROM users u "
               "JOIN memberships m ON m.user_id = u.id WHERE u.role = 'student' GROUP BY u.id "
               "HAVING count(*) = 1 AND min(m.role) = 'student' AND max(m.role) = 'student'")


def downgrade():
    op.drop_table('account_homes')
