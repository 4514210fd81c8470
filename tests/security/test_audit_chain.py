"""Attack 6 of security issue 8: truncating the audit log, or editing it and recomputing.

An attacker who can write to the database (but holds none of ``LOA_SECRET_KEYS``)
deletes the newest entries, or edits one and recomputes every plain hash after it.
Keyed tags find the recomputation; anchors kept outside the database find the
truncation. Retention and key rotation must not break either proof.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import select, text

from core import audit, audit_anchor
from core.cli import main
from core.context import Context, build_context
from core.retention import daily
from core.secrets import new_key
from core.settings import Secret
from tests.support.pipeline import new_article


def cli(ctx: Context, *args: str, keys: str | None = None, **env: str) -> Any:
    environ = {
        "LOA_DATABASE_URL": ctx.settings.database_url,
        "LOA_SECRET_KEYS": keys or ctx.settings.secret_keys[0].reveal(),
        "LOA_VAR_DIR": str(ctx.settings.var_dir),
        **({"LOA_REDIS_URL": ctx.settings.redis_url} if ctx.settings.redis_url else {}),
        **env,
    }
    return CliRunner().invoke(main, list(args), env=environ)


def entry_ids(ctx: Context) -> list[int]:
    with ctx.sessions() as session:
        return list(session.scalars(select(audit.AuditEntry.id).order_by(audit.AuditEntry.id)))


def recompute_from(ctx: Context, first_id: int, *, strip_tags: bool = False) -> None:
    """What the attacker can do without the key: recompute every plain hash from ``first_id``."""
    with ctx.transaction() as session:
        entries = list(
            session.scalars(
                select(audit.AuditEntry)
                .where(audit.AuditEntry.id >= first_id)
                .order_by(audit.AuditEntry.id)
            )
        )
        prev = session.scalar(
            select(audit.AuditEntry.hash)
            .where(audit.AuditEntry.id < first_id)
            .order_by(audit.AuditEntry.id.desc())
            .limit(1)
        )
        prev = prev or audit.GENESIS
        for entry in entries:
            entry.prev_hash = prev
            entry.hash = prev = audit._digest(prev, entry)
            if strip_tags:  # pass the rows off as written before tags existed
                entry.key_id, entry.tag = "", ""


def test_intact_chain_with_its_anchor_verifies(ctx: Context, tree: Any, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    for _ in range(3):
        new_article(ctx)
    made = cli(ctx, "audit", "anchor", "--file", str(anchors))
    assert made.exit_code == 0, made.output
    new_article(ctx)
    result = cli(ctx, "audit", "verify", "--anchor", str(anchors))
    assert result.exit_code == 0, result.output
    assert "intact (5 entries" in result.output and "holds all 1 anchors" in result.output
    line = json.loads(anchors.read_text())
    assert made.output.strip() == anchors.read_text().strip()  # printed, and appended
    assert line["seq"] == entry_ids(ctx)[3]
    assert set(line) == {"v", "seq", "hash", "at", "key_id", "sig"}


def test_deleting_the_newest_entries_fails_against_the_anchor(
    ctx: Context, tree: Any, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    for _ in range(3):
        new_article(ctx)
    assert cli(ctx, "audit", "anchor", "--file", str(anchors)).exit_code == 0
    ids = entry_ids(ctx)
    with ctx.engine.begin() as conn:  # the attacker removes the last two entries
        conn.execute(text("DELETE FROM audit_log WHERE id >= :id"), {"id": ids[-2]})
    result = cli(ctx, "audit", "verify", "--anchor", str(anchors))
    assert result.exit_code == 1
    assert f"the chain ends at entry {ids[-3]}" in result.output
    assert f"entries {ids[-3] + 1} to {ids[-1]} are missing (truncated)" in result.output


def test_truncating_then_writing_on_fails_against_the_anchor(
    ctx: Context, tree: Any, tmp_path: Path
) -> None:
    anchors = tmp_path / "anchors.jsonl"
    new_article(ctx)
    assert cli(ctx, "audit", "anchor", "--file", str(anchors)).exit_code == 0
    anchored = entry_ids(ctx)[-1]
    with ctx.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": anchored})
    for _ in range(2):  # Loa writes on (SQLite may even reuse the deleted id)
        new_article(ctx)
    result = cli(ctx, "audit", "verify", "--anchor", str(anchors))
    assert result.exit_code == 1
    assert f"entry {anchored} is not the one the anchor of" in result.output


def test_editing_one_entry_and_recomputing_every_hash_after_it_fails(
    ctx: Context, tree: Any
) -> None:
    for _ in range(4):
        new_article(ctx)
    second = entry_ids(ctx)[1]
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = :id"), {"id": second})
    recompute_from(ctx, second)
    with ctx.sessions() as session:
        report = audit.verify(session)
    assert not report.ok and report.first_bad_id == second
    assert "keyed tag does not match" in report.reason
    result = cli(ctx, "audit", "verify")
    assert result.exit_code == 1 and f"broken at entry {second}" in result.output


def test_recomputing_and_stripping_the_tags_fails_even_after_new_entries(
    ctx: Context, tree: Any
) -> None:
    for _ in range(4):
        new_article(ctx)
    second = entry_ids(ctx)[1]
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = :id"), {"id": second})
    recompute_from(ctx, second, strip_tags=True)
    new_article(ctx)  # Loa writes on: its new, good tag must not bless the rewritten entries
    result = cli(ctx, "audit", "verify")
    assert result.exit_code == 1
    assert f"broken at entry {second}: the entry carries no keyed tag" in result.output


def test_a_forged_anchor_is_refused(ctx: Context, tree: Any, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    new_article(ctx)
    assert cli(ctx, "audit", "anchor", "--file", str(anchors)).exit_code == 0
    line = json.loads(anchors.read_text())
    anchors.write_text(json.dumps({**line, "seq": line["seq"] - 1}) + "\n")
    result = cli(ctx, "audit", "verify", "--anchor", str(anchors))
    assert result.exit_code == 1 and "has a bad signature" in result.output


def test_after_retention_prune_it_still_verifies(ctx: Context, tree: Any, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    ctx = dataclasses.replace(
        ctx, settings=dataclasses.replace(ctx.settings, audit_anchor_file=anchors)
    )
    for _ in range(3):
        new_article(ctx)
    daily(ctx, force=True, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))  # anchors (prunes nothing)
    new_article(ctx)
    with ctx.engine.begin() as conn:  # all but the newest entry are two years old
        conn.execute(
            text("UPDATE audit_log SET at = :at WHERE id < (SELECT max(id) FROM audit_log)"),
            {"at": dt.datetime(2024, 1, 1)},
        )
    report = daily(ctx, force=True)  # prunes, then anchors again
    assert report["audit_pruned"] == 4
    assert len(audit_anchor.parse(anchors.read_text())) == 2
    result = cli(ctx, "audit", "verify", "--anchor", str(anchors))
    assert result.exit_code == 0, result.output
    assert "holds all 2 anchors" in result.output


def test_after_key_rotation_it_still_verifies(ctx: Context, tree: Any, tmp_path: Path) -> None:
    anchors = tmp_path / "anchors.jsonl"
    old = ctx.settings.secret_keys[0].reveal()
    new = new_key()
    for _ in range(2):
        new_article(ctx)
    assert cli(ctx, "audit", "anchor", "--file", str(anchors)).exit_code == 0
    rotated = cli(ctx, "keys", "rotate", keys=f"{new},{old}")
    assert rotated.exit_code == 0, rotated.output
    assert "audit_log.tag: 3 re-encrypted" in rotated.output  # every entry before the rotation
    after = build_context(
        dataclasses.replace(ctx.settings, secret_keys=(Secret(new), Secret(old))),
        engine=ctx.engine,
        redis=ctx.redis,
    )
    new_article(after)
    both = cli(ctx, "audit", "verify", "--anchor", str(anchors), keys=f"{new},{old}")
    assert both.exit_code == 0, both.output
    # The old key dropped, as the rotation procedure says: every tag is under the new one.
    only_new = cli(ctx, "audit", "verify", "--anchor", str(anchors), keys=new)
    assert only_new.exit_code == 0, only_new.output
    assert "intact (5 entries" in only_new.output
    assert "1 signed under keys no longer configured" in only_new.output
    # ...and editing an entry is still found under the new key alone.
    first = entry_ids(ctx)[0]
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = :id"), {"id": first})
    recompute_from(ctx, first)
    edited = cli(ctx, "audit", "verify", keys=new)
    assert edited.exit_code == 1 and f"broken at entry {first}: keyed tag" in edited.output


def test_rotation_does_not_launder_a_rewritten_entry(ctx: Context, tree: Any) -> None:
    old = ctx.settings.secret_keys[0].reveal()
    new = new_key()
    for _ in range(3):
        new_article(ctx)
    second = entry_ids(ctx)[1]
    with ctx.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = :id"), {"id": second})
    recompute_from(ctx, second)
    assert cli(ctx, "keys", "rotate", keys=f"{new},{old}").exit_code == 0
    result = cli(ctx, "audit", "verify", keys=new)
    assert result.exit_code == 1
    assert f"broken at entry {second}: tagged under key" in result.output
    assert "which LOA_SECRET_KEYS no longer holds" in result.output


def legacy_database(tmp_path: Path, edit: str = "") -> tuple[Context, list[str]]:
    """Three entries as they were before migration 0006 (``edit`` run on them), then upgraded.

    Returns a context on the upgraded database and the hashes the entries had before.
    """
    from alembic import command
    from sqlalchemy import inspect

    from core.migrate import alembic_config, upgrade
    from core.settings import load_settings

    url = f"sqlite:///{tmp_path}/legacy.db"
    environ = {"LOA_DATABASE_URL": url, "LOA_VAR_DIR": str(tmp_path), "LOA_SECRET_KEYS": new_key()}
    settings = load_settings(environ)
    upgrade(settings)
    ctx = build_context(settings)
    for n in range(3):
        with ctx.transaction() as session:
            audit.record(session, actor="cli", action="test.legacy", subject_id=n)
    command.downgrade(alembic_config(url), "0005")  # the rows as they were before tags
    with ctx.engine.begin() as conn:
        assert "tag" not in {c["name"] for c in inspect(conn).get_columns("audit_log")}
        hashes = list(conn.execute(text("SELECT hash FROM audit_log ORDER BY id")).scalars())
        if edit:
            conn.execute(text(edit))
    upgrade(settings)
    return ctx, hashes


def test_entries_from_before_keyed_tags_are_tagged_by_loa_db_upgrade(tmp_path: Path) -> None:
    ctx, hashes = legacy_database(tmp_path)
    with ctx.sessions() as session:
        report = audit.verify(session)
        rows = list(session.scalars(select(audit.AuditEntry).order_by(audit.AuditEntry.id)))
    ctx.close()
    assert report.ok and report.checked == 3, report
    assert [r.hash for r in rows] == hashes and all(r.tag for r in rows)


def test_an_edit_made_before_the_upgrade_is_still_found(tmp_path: Path) -> None:
    ctx, _ = legacy_database(tmp_path, "UPDATE audit_log SET actor = 'mallory' WHERE id = 2")
    with ctx.sessions() as session:
        report = audit.verify(session)  # the upgrade tagged what it found: the hash still breaks
    ctx.close()
    assert not report.ok and report.first_bad_id == 2
