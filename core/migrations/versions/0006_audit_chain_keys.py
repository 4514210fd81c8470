"""audit chain keys: each entry's key id and keyed tag

Entries written before this revision are tagged here, under the current key of
``LOA_SECRET_KEYS`` (``loa db upgrade`` hands the keys over in the Alembic config's
attributes); their hashes are unchanged, so ``loa audit verify`` still finds any
break made before the upgrade. Run without the keys (plain ``alembic upgrade``), the
rows stay untagged and ``loa audit verify`` names the first of them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('tag', sa.String(length=64), nullable=False, server_default=''))
    config = op.get_context().config
    keys = config.attributes.get('loa_audit_keys') if config is not None else None
    if keys is None:
        return
    log = sa.table(
        'audit_log',
        sa.column('id', sa.Integer),
        sa.column('hash', sa.String),
        sa.column('key_id', sa.String),
        sa.column('tag', sa.String),
    )
    tag = (
        sa.update(log)
        .where(log.c.id == sa.bindparam('row_id'))
        .values(key_id=sa.bindparam('new_key_id'), tag=sa.bindparam('new_tag'))
    )
    connection, last_id = op.get_bind(), 0
    while rows := connection.execute(
        sa.select(log.c.id, log.c.hash).where(log.c.id > last_id).order_by(log.c.id).limit(5000)
    ).all():
        connection.execute(
            tag,
            [{'row_id': i, 'new_key_id': keys.current, 'new_tag': keys.tag(h)} for i, h in rows],
        )
        last_id = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_column('tag')
        batch_op.drop_column('key_id')
