"""English versions of the unit profile and the directory (42 Art. 7(2), C8)

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 15:00:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import core.db


# revision identifiers, used by Alembic.
revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('unit_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('introduction_en_html', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('functions_en_html', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('vi_changed_at', core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('en_changed_at', core.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('directory_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_en', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('body_en', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('vi_changed_at', core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('en_changed_at', core.db.UTCDateTime(timezone=True), nullable=True))
    for table, columns in (
        ('unit_profiles', ('introduction_en_html', 'functions_en_html')),
        ('directory_entries', ('title_en', 'body_en')),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('directory_entries', schema=None) as batch_op:
        for column in ('en_changed_at', 'vi_changed_at', 'body_en', 'title_en'):
            batch_op.drop_column(column)
    with op.batch_alter_table('unit_profiles', schema=None) as batch_op:
        for column in ('en_changed_at', 'vi_changed_at', 'functions_en_html', 'introduction_en_html'):
            batch_op.drop_column(column)
