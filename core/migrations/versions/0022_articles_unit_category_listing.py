"""articles: an index for "the newest of a unit in a category" (issue 19)

The public list filters on status, unit and category and orders by (published_at, id)
newest first. With this index PostgreSQL reads the 20 rows it answers with, in order,
whatever the size of the archive; without it, it sorts every match of the unit or the
category.

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 19:20:00

"""
from typing import Sequence, Union

from alembic import op


revision: str = '0022'
down_revision: Union[str, Sequence[str], None] = '0021'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index(
        'ix_articles_unit_category_listing',
        'articles',
        ['status', 'unit_id', 'category_id', 'published_at', 'id'],
    )


def downgrade() -> None:
    op.drop_index('ix_articles_unit_category_listing', table_name='articles')
