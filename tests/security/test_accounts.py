"""Security issue 8, the account weak points: each attack as it was run, refused now.

Lockout, TOTP reset, recovery-code storage, context-word passwords, re-issued
enrolment links, username enumeration, audit of refused links, and key rotation on a
fresh database.
"""

from __future__ import annotations

import os
import subprocess
import sys

from core.auth.models import User
from core.auth.permissions import SYSTEM
from core.context import Context
from core.delivery import targets
from core.delivery.models import ChannelTarget
from core.secrets import Sealer, new_key
from core.settings import Secret
from tests.core.auth.conftest import MakeAccount, audit_rows, clock, make_account  # noqa: F401


def _cli(ctx: Context, *args: str, keys: str | None = None) -> subprocess.CompletedProcess[str]:
    """``loa …`` in a fresh interpreter, as an operator runs it (no test imports loaded)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOA_")}
    env.update(
        LOA_DATABASE_URL=ctx.settings.database_url,
        LOA_SECRET_KEYS=keys or ctx.settings.secret_keys[0].reveal(),
        LOA_VAR_DIR=str(ctx.settings.var_dir),
        LOA_BASE_URL="http://loa.test",
        **({"LOA_REDIS_URL": ctx.settings.redis_url} if ctx.settings.redis_url else {}),
    )
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- loa keys rotate on a fresh demo database ----------------------------------------------


def test_keys_rotate_runs_in_a_fresh_process(
    ctx: Context,
    make_account: MakeAccount,  # noqa: F811
) -> None:
    old = ctx.settings.secret_keys[0].reveal()
    an = make_account("an")
    target = targets.create_target(
        ctx,
        SYSTEM,
        {"name": "Cổng", "plugin": "testchannel", "unit_code": "14932", "secrets": {"k": "v4lue"}},
    )
    new = new_key()
    done = _cli(ctx, "keys", "rotate", keys=f"{new},{old}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "NoReferencedTableError" not in done.stderr
    assert "channel_targets.secrets_sealed: 1 re-encrypted" in done.stdout
    only_new = Sealer([Secret(new)])
    with ctx.sessions() as session:
        row = session.get(ChannelTarget, target.id)
        user = session.get(User, an.user_id)
    assert row is not None and user is not None
    assert only_new.open(row.secrets_sealed) == {"k": "v4lue"}
    assert only_new.open(user.totp_sealed) == {"secret": an.secret}
    assert audit_rows(ctx, "keys.rotate")[0].data["channel_targets.secrets_sealed"] == 1
