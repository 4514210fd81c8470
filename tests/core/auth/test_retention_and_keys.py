"""Key rotation, audit retention with a provable chain, and disabling inactive accounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from click.testing import CliRunner
from sqlalchemy import select, text, update

from core import audit
from core.actions import targets
from core.auth.models import User
from core.auth.permissions import SYSTEM
from core.cli import main
from core.context import Context
from core.retention import daily
from core.secrets import Sealer, new_key
from core.settings import Secret
from core.targets.models import ChannelTarget
from tests.core.auth.conftest import MakeAccount, audit_rows
from tests.support.pipeline import new_article


def env(ctx: Context, keys: str) -> dict[str, str]:
    return {
        "LOA_DATABASE_URL": ctx.settings.database_url,
        "LOA_SECRET_KEYS": keys,
        "LOA_VAR_DIR": str(ctx.settings.var_dir),
        **({"LOA_REDIS_URL": ctx.settings.redis_url} if ctx.settings.redis_url else {}),
    }


def test_loa_keys_rotate_keeps_old_rows_readable(ctx: Context, make_account: MakeAccount) -> None:
    old = ctx.settings.secret_keys[0].reveal()
    an = make_account("an")
    target = targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Cổng",
            "plugin": "testchannel",
            "unit_code": "14932",
            "secrets": {"k": "s3cr3t-value"},
        },
    )
    new = new_key()
    result = CliRunner().invoke(main, ["keys", "rotate"], env=env(ctx, f"{new},{old}"))
    assert result.exit_code == 0, result.output
    assert "channel_targets.secrets_sealed: 1 re-encrypted" in result.output
    only_new = Sealer([Secret(new)])
    with ctx.sessions() as session:
        row = session.get(ChannelTarget, target.id)
        user = session.get(User, an.user_id)
    assert row is not None and user is not None
    assert only_new.open(row.secrets_sealed) == {"k": "s3cr3t-value"}
    assert only_new.open(user.totp_sealed) == {"secret": an.secret}
    assert "s3cr3t-value" not in result.output
    assert audit_rows(ctx, "keys.rotate")[0].data["users.totp_sealed"] >= 1


def test_retention_prunes_and_the_chain_still_verifies(ctx: Context, tree: Any) -> None:
    for _ in range(4):
        new_article(ctx)
    with ctx.engine.begin() as conn:  # the first three entries are two years old
        conn.execute(
            text(
                "UPDATE audit_log SET at = :at"
                " WHERE id IN (SELECT id FROM audit_log ORDER BY id LIMIT 3)"
            ),
            {"at": dt.datetime(2024, 1, 1)},
        )
    # (changing `at` broke those rows' hashes, as any edit must; prune removes them)
    with ctx.sessions() as session:
        assert not audit.verify(session).ok
    report = daily(ctx, force=True)
    assert report["audit_pruned"] == 3
    with ctx.sessions() as session:
        checked = audit.verify(session)
    assert checked.ok, checked
    result = CliRunner().invoke(
        main, ["audit", "verify"], env=env(ctx, ctx.settings.secret_keys[0].reveal())
    )
    assert result.exit_code == 0 and "intact" in result.output
    # A forged checkpoint (hiding more deletions) is found.
    with ctx.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = (SELECT min(id) FROM audit_log)"))
        conn.execute(text("UPDATE audit_checkpoints SET through_id = through_id + 1"))
    with ctx.sessions() as session:
        forged = audit.verify(session)
    assert not forged.ok


def test_accounts_unused_for_45_days_are_disabled(ctx: Context, make_account: MakeAccount) -> None:
    from core.auth import tokens
    from core.auth.actions import actor_for

    idle = make_account("idle")
    busy = make_account("busy")
    with ctx.sessions() as session:
        actor = actor_for(session, idle.user_id)
    token = tokens.create_token(ctx, actor, "t", ["read"], 30).plaintext  # type: ignore[arg-type]
    with ctx.transaction() as session:
        session.execute(
            update(User)
            .where(User.id == idle.user_id)
            .values(last_login_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=46))
        )
    assert daily(ctx)["disabled"] == 1
    assert daily(ctx) == {}  # once a day
    with ctx.sessions() as session:
        users = {u.username: u for u in session.scalars(select(User).order_by(User.id))}
    assert not users["idle"].is_active and users["idle"].disabled_reason == "inactive 45 days"
    assert users["busy"].is_active
    [entry] = audit_rows(ctx, "user.disabled")
    assert entry.subject_id == str(idle.user_id)
    import pytest

    from core.errors import Unauthenticated

    with pytest.raises(Unauthenticated):
        tokens.authenticate_token(ctx, token)
    assert busy.username == "busy"


def test_settings_table_matches_the_readme() -> None:
    from pathlib import Path

    from core.settings import VARIABLES

    readme = (Path(__file__).parents[3] / "README.md").read_text(encoding="utf-8")
    for name, (default, _) in VARIABLES.items():
        assert f"| `{name}` | {default} |" in readme, name
    assert "LOA_API_TOKEN`" not in readme
