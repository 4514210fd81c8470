"""``loa db upgrade``: run the Alembic migrations shipped inside the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

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
