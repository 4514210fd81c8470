"""audit chain keys: each entry's key id and keyed tag

Entries written before this revision keep an empty key id and tag; ``loa audit
verify`` accepts them because the first tagged entry after them covers their
hashes (see core/audit.py), so no existing row is rewritten.

Revision ID: 0006_audit
Revises: 0005
Create Date: 2026-11-30 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0006_audit'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('tag', sa.String(length=64), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('tag')
        batch_op.drop_column('key_id')
