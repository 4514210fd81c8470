"""recovery codes: keyed digests (a scheme per row; existing rows are sha256)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Every code stored so far is an unsalted SHA-256; `loa keys rotate` re-keys them.
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('scheme', sa.String(length=16), server_default='sha256', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_column('scheme')
