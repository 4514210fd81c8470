"""units.path: an index PostgreSQL can use for a prefix LIKE under any collation

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 12:00:00

"""
from typing import Sequence, Union

from alembic import op


revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Under C.UTF-8 or a language collation a plain b-tree cannot serve `path LIKE '/1/5/%'`;
    # the pattern operator class can. Other databases keep the plain index.
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_units_path', table_name='units')
    op.create_index(
        'ix_units_path', 'units', ['path'], postgresql_ops={'path': 'varchar_pattern_ops'}
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_units_path', table_name='units')
    op.create_index('ix_units_path', 'units', ['path'])
