"""Alembic environment: the same migrations on SQLite (batch mode) and PostgreSQL."""

from __future__ import annotations

from alembic import context

from core.db import Base, make_engine
from core.models import load_all

load_all()
config = context.config
url: str = config.get_main_option("sqlalchemy.url") or ""
if not url:
    raise RuntimeError("sqlalchemy.url must be set by the caller (core.migrate)")


def run() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run()
