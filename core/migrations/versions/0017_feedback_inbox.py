"""Citizens' feedback inbox: tracking codes, handling, deadlines, history and alerts (issue 17)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 18:30:00.000000

"""
import secrets
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import core.db


# revision identifiers, used by Alembic.
revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # core.interactions.tracking, frozen here


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tracking_code', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('channel', sa.String(length=32), nullable=False, server_default='api'))
        batch_op.add_column(sa.Column('comment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='new'))
        batch_op.add_column(sa.Column('urgent', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('assignee_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('ack_due_at', core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ack_warn_at', core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_at', core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answer', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('answered_at', core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answered_by', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('answered_via', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('closed_at', core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_feedback_comment_id_comments'), 'comments', ['comment_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_feedback_assignee_id_users'), 'users', ['assignee_id'], ['id'])
    # Feedback received before the inbox gets a code too (older messages: no deadline).
    conn = op.get_bind()
    feedback = sa.table('feedback', sa.column('id', sa.Integer), sa.column('tracking_code', sa.String))
    taken: set[str] = set()
    for (row_id,) in conn.execute(sa.select(feedback.c.id)).all():
        code = ''.join(secrets.choice(ALPHABET) for _ in range(10))
        while code in taken:
            code = ''.join(secrets.choice(ALPHABET) for _ in range(10))
        taken.add(code)
        conn.execute(feedback.update().where(feedback.c.id == row_id).values(tracking_code=code))
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.alter_column('tracking_code', existing_type=sa.String(length=16), nullable=False)
        for column in ('channel', 'status', 'urgent', 'answer', 'answered_by', 'answered_via'):
            batch_op.alter_column(column, server_default=None)
        batch_op.create_index('ux_feedback_tracking_code', ['tracking_code'], unique=True)
        batch_op.create_index('ix_feedback_open_due', ['status', 'ack_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_assignee_id'), ['assignee_id'], unique=False)
    op.create_table('feedback_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_feedback_events_feedback_id_feedback')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_events'))
    )
    with op.batch_alter_table('feedback_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_events_feedback_id'), ['feedback_id'], unique=False)
    op.create_table('feedback_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feedback_id', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.String(length=16), nullable=False),
    sa.Column('sent_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['feedback_id'], ['feedback.id'], name=op.f('fk_feedback_alerts_feedback_id_feedback')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_alerts')),
    sa.UniqueConstraint('feedback_id', 'threshold', name=op.f('uq_feedback_alerts_feedback_id'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('feedback_alerts')
    with op.batch_alter_table('feedback_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_events_feedback_id'))
    op.drop_table('feedback_events')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_assignee_id'))
        batch_op.drop_index('ix_feedback_open_due')
        batch_op.drop_index('ux_feedback_tracking_code')
        batch_op.drop_constraint(batch_op.f('fk_feedback_assignee_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_feedback_comment_id_comments'), type_='foreignkey')
        for column in ('closed_at', 'answered_via', 'answered_by', 'answered_at', 'answer',
                       'acknowledged_at', 'ack_warn_at', 'ack_due_at', 'assignee_id', 'urgent',
                       'status', 'comment_id', 'channel', 'tracking_code'):
            batch_op.drop_column(column)
