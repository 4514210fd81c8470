"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.db import Base, make_engine
from core.migrate import upgrade
from core.models import load_all
from core.settings import load_settings


def test_upgrade_on_fresh_sqlite_matches_models(tmp_path) -> None:
    url = f"sqlite:///{tmp_path}/m.db"
    settings = load_settings({"LOA_DATABASE_URL": url, "LOA_VAR_DIR": str(tmp_path)})
    upgrade(settings)
    upgrade(settings)  # a second run is a no-op
    load_all()
    engine = make_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_on_fresh_postgresql_matches_models() -> None:
    """Runs where CI names a PostgreSQL server; a fresh database is made for it."""
    import os

    import pytest
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    # The embedded run of CI names its PostgreSQL for this test alone, so it never skips there.
    base = os.environ.get("LOA_TEST_DATABASE_URL") or os.environ.get("LOA_TEST_PG_FOR_MIGRATIONS")
    if not base:
        if os.environ.get("CI"):
            raise AssertionError("CI must name a PostgreSQL server for the migration test")
        pytest.skip("no PostgreSQL named (LOA_TEST_DATABASE_URL); the SQLite test covers this run")
    # One name per process, so two runs against one server never drop each other's database.
    name = f"loa_migration_test_{os.getpid()}"
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(load_settings({"LOA_DATABASE_URL": url, "LOA_SECRET_KEYS": "k" * 43 + "="}))
        load_all()
        engine = make_engine(url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        engine.dispose()
        assert diff == []
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()
