"""Templates of recurring items, per unit (issue 16, the editor's desk)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 18:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import core.db


# revision identifiers, used by Alembic.
revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('item_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_key', sa.String(length=120), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_item_templates_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item_templates')),
    sa.UniqueConstraint('unit_id', 'name_key', name=op.f('uq_item_templates_unit_id'))
    )
    with op.batch_alter_table('item_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_templates_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('item_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_templates_unit_id'))
    op.drop_table('item_templates')
