"""similarity: a course's archive of past and public solutions, stored fingerprints, an inverted index, the
report's progress and pairs (issue 18)

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('archive_files', sa.Column('id', sa.Integer(), primary_key=True),
                    sa.Column('course_id', sa.Integer(), sa.ForeignKey('courses.id', ondelete='CASCADE'),
                              nullable=False, index=True),
                    sa.Column('label', sa.String(length=200), nullable=False),
                    sa.Column('name', sa.String(length=255), nullable=False),
                    sa.Column('sha256', sa.String(length=64), nullable=False),
                    sa.Column('size', sa.Integer(), nullable=False),
                    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
                    sa.UniqueConstraint('course_id', 'sha256'))
    op.create_table('print_sets', sa.Column('id', sa.Integer(), primary_key=True),
                    sa.Column('sha256', sa.String(length=64), nullable=False),
                    sa.Column('basis', sa.String(length=64), nullable=False),
                    sa.Column('count', sa.Integer(), nullable=False),
                    sa.Column('data', sa.LargeBinary(), nullable=False),
                    sa.UniqueConstraint('sha256', 'basis'))
    op.create_table('print_hashes', sa.Column('hash', sa.BigInteger(), primary_key=True),
                    sa.Column('print_id', sa.Integer(), sa.ForeignKey('print_sets.id', ondelete='CASCADE'),
                              primary_key=True))
    op.create_table('similarity_states',
                    sa.Column('assignment_id', sa.Integer(), sa.ForeignKey('assignments.id', ondelete='CASCADE'),
                              primary_key=True),
                    sa.Column('status', sa.String(length=20), nullable=False),
                    sa.Column('done', sa.Integer(), nullable=False),
                    sa.Column('total', sa.Integer(), nullable=False),
                    sa.Column('students', sa.Integer(), nullable=False),
                    sa.Column('given_from', sa.String(length=80), nullable=False),
                    sa.Column('given', sa.JSON(), nullable=False),
                    sa.Column('message', sa.Text(), nullable=False),
                    sa.Column('started_at', sa.DateTime(timezone=True)),
                    sa.Column('finished_at', sa.DateTime(timezone=True)))
    op.create_table('similarity_members',
                    sa.Column('assignment_id', sa.Integer(), sa.ForeignKey('assignments.id', ondelete='CASCADE'),
                              primary_key=True),
                    sa.Column('holder', sa.String(length=40), primary_key=True),
                    sa.Column('print_id', sa.Integer(), sa.ForeignKey('print_sets.id', ondelete='CASCADE'),
                              nullable=False),
                    sa.Column('own', sa.Integer(), nullable=False))
    op.create_table('similarity_pairs', sa.Column('id', sa.Integer(), primary_key=True),
                    sa.Column('assignment_id', sa.Integer(), sa.ForeignKey('assignments.id', ondelete='CASCADE'),
                              nullable=False, index=True),
                    sa.Column('key', sa.String(length=40), nullable=False),
                    sa.Column('submission_id', sa.Integer(), sa.ForeignKey('submissions.id', ondelete='CASCADE'),
                              nullable=False, index=True),
                    sa.Column('other_submission_id', sa.Integer(),
                              sa.ForeignKey('submissions.id', ondelete='CASCADE'), index=True),
                    sa.Column('archive_file_id', sa.Integer(), sa.ForeignKey('archive_files.id', ondelete='CASCADE')),
                    sa.Column('shared', sa.Integer(), nullable=False),
                    sa.Column('score', sa.Float(), nullable=False),
                    sa.UniqueConstraint('assignment_id', 'key'))


def downgrade():
    for table in ('similarity_pairs', 'similarity_members', 'similarity_states', 'print_hashes', 'print_sets',
                  'archive_files'):
        op.drop_table(table)
