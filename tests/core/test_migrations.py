"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from core.db import Base, make_engine
from core.migrate import upgrade
from core.models import load_all
from core.settings import load_settings
from tests.support.named_postgresql import named_postgresql


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


@pytest.fixture
def fresh_postgresql() -> Iterator[str]:
    """A new, empty PostgreSQL database upgraded to head; dropped afterwards."""
    base = named_postgresql("the migration test")  # elsewhere the SQLite test covers this
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
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def test_upgrade_on_fresh_postgresql_matches_models(fresh_postgresql: str) -> None:
    engine = make_engine(fresh_postgresql)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_unit_subtree_lookup_uses_an_index_on_postgresql(fresh_postgresql: str) -> None:
    """ "A commune and its descendants" is a prefix LIKE on ``units.path``; under the database's
    usual collation (C.UTF-8 here) only the pattern operator class lets PostgreSQL use an index
    for it instead of scanning every unit on every list request."""
    from core.units.models import Unit

    engine = make_engine(fresh_postgresql)
    with engine.begin() as conn:
        collation = conn.scalar(
            text("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        )
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        stmt = select(Unit.id).where(Unit.path.startswith("/1/5/", autoescape=True))
        compiled = stmt.compile(engine)
        plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params))
    engine.dispose()
    assert "ix_units_path" in plan, (collation, plan)


def test_feedback_received_before_0017_gets_a_code_and_the_step_back_works(tmp_path) -> None:
    """Migration 0017 gives every message already kept a unique tracking code."""
    from alembic import command
    from sqlalchemy.orm import Session

    from core.migrate import alembic_config
    from core.units.sync import sync
    from tests.conftest import TREE

    url = f"sqlite:///{tmp_path}/f.db"
    settings = load_settings({"LOA_DATABASE_URL": url, "LOA_VAR_DIR": str(tmp_path)})
    upgrade(settings, "0015")
    engine = make_engine(url)
    with Session(engine) as session, session.begin():  # the units table is the same at 0015
        sync(session, iter(TREE))
        unit_id = session.scalar(text("SELECT id FROM units WHERE code = '14932'"))
    with engine.begin() as conn:
        for n in range(3):
            conn.execute(
                text(
                    "INSERT INTO feedback (unit_id, author_name, contact_sealed, text, decision,"
                    " spans, state, received_at, decided_by)"
                    " VALUES (:u, '', '', :t, 'allow', '[]', 'received', '2026-11-01 02:00:00', '')"
                ),
                {"u": unit_id, "t": f"góp ý {n}"},
            )
    upgrade(settings)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT tracking_code, status, channel FROM feedback")).all()
    assert len({code for code, _, _ in rows}) == 3
    assert all(len(code) == 10 and status == "new" for code, status, _ in rows)
    command.downgrade(alembic_config(url), "0015")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM feedback")).scalar() == 3
    engine.dispose()
