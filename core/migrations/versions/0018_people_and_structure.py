"""People and structure: agencies and categories can be deactivated; categories belong to a
unit (or to every unit), nest one level (sections) and are ordered

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 18:20:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_active', sa.Boolean(), nullable=False, server_default=sa.true()))
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('is_active', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.create_index(batch_op.f('ix_categories_unit_id'), ['unit_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_categories_unit_id_units'), 'units', ['unit_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_categories_parent_id_categories'), 'categories', ['parent_id'], ['id'])
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.alter_column('is_active', server_default=None)
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.alter_column('position', server_default=None)
        batch_op.alter_column('is_active', server_default=None)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('categories', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_categories_parent_id_categories'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_categories_unit_id_units'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_categories_unit_id'))
        for column in ('is_active', 'position', 'parent_id', 'unit_id'):
            batch_op.drop_column(column)
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_column('is_active')
