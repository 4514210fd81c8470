"""a unit's inbound moderation policy, and moderators' decisions kept as labelled examples

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 15:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import core.db


# revision identifiers, used by Alembic.
revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('unit_moderation_policies',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('intensifiers', sa.String(length=8), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_moderation_policies_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_unit_moderation_policies'))
    )
    op.create_table('moderation_labels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('label', sa.String(length=8), nullable=False),
    sa.Column('engine', sa.String(length=8), nullable=False),
    sa.Column('spans', sa.JSON(), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.Column('decided_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_moderation_labels_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_labels'))
    )
    with op.batch_alter_table('moderation_labels', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_labels_unit_id_id', ['unit_id', 'id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('moderation_labels', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_labels_unit_id_id')
    op.drop_table('moderation_labels')
    op.drop_table('unit_moderation_policies')
