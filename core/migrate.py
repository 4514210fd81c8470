"""``loa db upgrade``: the Alembic migrations shipped in the package; ``/readyz`` checks them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from core.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(settings: Settings, revision: str = "head") -> None:
    cfg = alembic_config(settings.database_url)
    if settings.secret_keys:  # migration 0006 tags the audit entries written before tags
        from core.audit_keys import AuditKeys
        from core.secrets import Sealer

        cfg.attributes["loa_audit_keys"] = AuditKeys.of(Sealer(settings.secret_keys))
    command.upgrade(cfg, revision)


def revision(settings: Settings, message: str) -> None:
    command.revision(alembic_config(settings.database_url), message=message, autogenerate=True)


@cache
def script_heads() -> frozenset[str]:
    """The revisions the shipped migrations end at (read once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def schema_revisions(conn: Connection) -> frozenset[str]:
    """The revisions the database says it was migrated to (empty when never migrated)."""
    return frozenset(MigrationContext.configure(conn).get_current_heads())


def check_at_head(conn: Connection) -> None:
    """Raise :class:`SchemaNotMigrated` unless the database is at the shipped head."""
    found, expected = schema_revisions(conn), script_heads()
    if found != expected:
        raise SchemaNotMigrated(
            f"at {', '.join(sorted(found)) or 'no revision'}; run `loa db upgrade`"
        )


class SchemaNotMigrated(RuntimeError):
    """The database schema is not the one this code was built for."""
