"""editorial workflow: approval rules and steps, kinds, topics, pending revisions, lateness

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 02:05:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import core.db


revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('approval_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('applies_to', sa.String(length=64), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_rules')),
    sa.UniqueConstraint('applies_to', name=op.f('uq_approval_rules_applies_to'))
    )
    op.create_table('approval_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('covers', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=24), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.Column('decided_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=True),
    sa.Column('aspect_hashes', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_approval_steps_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['target_id'], ['channel_targets.id'], name=op.f('fk_approval_steps_target_id_channel_targets')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_approval_steps_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_steps')),
    sa.UniqueConstraint('article_id', 'source', 'key', name=op.f('uq_approval_steps_article_id'))
    )
    with op.batch_alter_table('approval_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_steps_article_id'), ['article_id'], unique=False)

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='article'))
        batch_op.add_column(sa.Column('topic', sa.String(length=32), nullable=False, server_default='other'))
        batch_op.add_column(sa.Column('justification', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('release_together', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('pending_revision', sa.Integer(), nullable=True))
    with op.batch_alter_table('articles', schema=None) as batch_op:
        for column in ('kind', 'topic', 'justification', 'release_together'):
            batch_op.alter_column(column, server_default=None)

    with op.batch_alter_table('audiences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expiry_warned_for', core.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('channel_targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gates', sa.JSON(), nullable=True))
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lateness_seconds', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_column('lateness_seconds')
    with op.batch_alter_table('channel_targets', schema=None) as batch_op:
        batch_op.drop_column('gates')
    with op.batch_alter_table('audiences', schema=None) as batch_op:
        batch_op.drop_column('expiry_warned_for')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        for column in ('pending_revision', 'release_together', 'justification', 'topic', 'kind'):
            batch_op.drop_column(column)
    with op.batch_alter_table('approval_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_steps_article_id'))
    op.drop_table('approval_steps')
    op.drop_table('approval_rules')
