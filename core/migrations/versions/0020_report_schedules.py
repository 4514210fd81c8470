"""Report schedules: a unit's reports mailed upward each month or quarter (issue 17)

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 19:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import core.db


# revision identifiers, used by Alembic.
revision: str = '0020'
down_revision: Union[str, Sequence[str], None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'report_schedules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('report', sa.String(length=16), nullable=False),
        sa.Column('frequency', sa.String(length=16), nullable=False),
        sa.Column('recipients', sa.Text(), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_period', sa.String(length=16), nullable=False),
        sa.Column('last_sent_at', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('claimed_period', sa.String(length=16), nullable=False),
        sa.Column('claimed_at', core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['unit_id'], ['units.id'],
            name=op.f('fk_report_schedules_unit_id_units'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_schedules')),
    )
    with op.batch_alter_table('report_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_schedules_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('report_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_schedules_unit_id'))
    op.drop_table('report_schedules')
