"""unit portal URL templates and the pre-2025 → 2025 unit successor map

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 12:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('portal_url_template', sa.String(length=500), nullable=False, server_default='')
        )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.alter_column('portal_url_template', server_default=None)
    op.create_table('unit_successors',
    sa.Column('legacy_unit_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['legacy_unit_id'], ['units.id'], name=op.f('fk_unit_successors_legacy_unit_id_units'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_unit_successors_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('legacy_unit_id', 'unit_id', name=op.f('pk_unit_successors'))
    )
    with op.batch_alter_table('unit_successors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_successors_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('unit_successors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_successors_unit_id'))
    op.drop_table('unit_successors')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('portal_url_template')
