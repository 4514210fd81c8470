"""Security issue 8, the account weak points: each attack as it was run, refused now.

Lockout, TOTP reset, recovery-code storage, context-word passwords, re-issued
enrolment links, username enumeration, audit of refused links, and key rotation on a
fresh database.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import secrets
import subprocess
import sys
from dataclasses import replace
from typing import Any

import pyotp
import pytest
from click.testing import CliRunner
from sqlalchemy import select, text, update
from starlette.testclient import TestClient

from core.actions import targets
from core.auth import actions as auth
from core.auth import totp
from core.auth.accounts import create_user
from core.auth.actions import actor_for
from core.auth.errors import LockedOut, SignInFailed
from core.auth.models import RecoveryCode, User
from core.auth.permissions import SYSTEM, watch_refusals
from core.cli import main
from core.context import Context
from core.errors import LoaError, ValidationFailed
from core.secrets import Sealer, new_key
from core.settings import Secret
from core.targets.models import ChannelTarget
from tests.core.auth import conftest as auth_fixtures
from tests.core.auth.conftest import Clock, MakeAccount, audit_rows, csrf_of, sign_in

# The account fixtures of tests/core/auth, used here too.
clock, make_account, web = auth_fixtures.clock, auth_fixtures.make_account, auth_fixtures.web


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
    make_account: MakeAccount,
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


# --- enumeration: resetTotp / grantRole / revokeRole ---------------------------------------


def _answer(call: Any) -> tuple[str, str]:
    try:
        call()
    except LoaError as exc:
        return type(exc).__name__, exc.message
    return "ok", ""


def test_a_username_outside_ones_reach_answers_like_a_missing_one(
    ctx: Context,
    make_account: MakeAccount,
) -> None:
    make_account("an", role="editor", unit="14932")
    contributor = make_account("gop-y", role="contributor", unit="14950")
    hanoi = make_account("hn-admin", role="admin", unit="01")
    with ctx.sessions() as session:
        asking = [actor_for(session, a.user_id) for a in (contributor, hanoi)]
    for actor in asking:
        assert actor is not None
        for call in (
            functools.partial(auth.reset_totp, ctx, actor),
            lambda name, a=actor: auth.revoke_role(ctx, a, name, "14932", "editor"),
            lambda name, a=actor: auth.grant_role(ctx, a, name, "14932", "editor"),
        ):
            with watch_refusals() as refused:
                real = _answer(functools.partial(call, "an"))
            ghost = _answer(functools.partial(call, "khong-co-ai"))
            assert real[0] != "ok"
            assert real == (ghost[0], ghost[1].replace("khong-co-ai", "an")), actor.name
            assert refused, "the refusal is still collected for the audit log"
    # On a unit they do manage, removing a role "an" does not hold reads as for no account.
    assert hanoi is not None
    with ctx.sessions() as session:
        hn = actor_for(session, hanoi.user_id)
    assert hn is not None
    real = _answer(lambda: auth.revoke_role(ctx, hn, "an", "00004", "editor"))
    ghost = _answer(lambda: auth.revoke_role(ctx, hn, "khong-co-ai", "00004", "editor"))
    assert real[0] == "NotFound" and real == (ghost[0], ghost[1].replace("khong-co-ai", "an"))
    with ctx.sessions() as session:
        user = session.scalar(select(User).where(User.username == "an"))
        assert user is not None and user.totp_enabled_at is not None  # untouched


# --- refused enrolment links are audited ----------------------------------------------------


def test_refused_enrolment_links_are_audited(ctx: Context, web: TestClient, tree: Any) -> None:
    token = secrets.token_urlsafe(32)
    create_user(ctx, username="chi", unit_code="38", role="admin", enrol_token=token)
    with ctx.transaction() as session:
        session.execute(
            update(User)
            .where(User.username == "chi")
            .values(enrol_token_expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
        )
    assert web.get(f"/admin/enrol/{token}").status_code == 404
    assert web.get("/admin/enrol/" + "x" * 43).status_code == 404
    refused = audit_rows(ctx, "auth.enrol_link_refused")
    assert [r.data["reason"] for r in refused] == ["expired", "unknown"]
    assert refused[0].actor == "chi" and refused[0].unit_path  # Thanh Hóa's admins see it
    assert refused[1].actor == "anonymous" and refused[1].data["address"] == "testclient"
    assert all(token not in str(r.data) for r in refused)


# --- loa user create on an enrolled account -------------------------------------------------


def test_user_create_refuses_to_reissue_a_link_for_an_enrolled_account(
    ctx: Context,
    make_account: MakeAccount,
) -> None:
    an = make_account("an", role="editor", unit="14932")
    again = CliRunner().invoke(
        main, ["user", "create", "an", "--unit", "14932", "--role", "editor"], env=_env(ctx)
    )
    assert again.exit_code != 0 and "/admin/enrol/" not in again.output
    assert "--reset" in again.output
    with ctx.sessions() as session:
        user = session.get(User, an.user_id)
        assert user is not None and user.enrol_token_digest == ""
    assert [r.actor for r in audit_rows(ctx, "user.create_refused")] == ["cli"]
    reset = CliRunner().invoke(
        main,
        ["user", "create", "an", "--unit", "14932", "--role", "editor", "--reset"],
        env=_env(ctx),
    )
    assert reset.exit_code == 0, reset.output
    assert "http://loa.test/admin/enrol/" in reset.output
    [entry] = audit_rows(ctx, "user.enrol_reset")
    assert entry.actor == "cli" and entry.subject_id == str(an.user_id)


def _env(ctx: Context) -> dict[str, str]:
    return {
        "LOA_DATABASE_URL": ctx.settings.database_url,
        "LOA_SECRET_KEYS": ctx.settings.secret_keys[0].reveal(),
        "LOA_VAR_DIR": str(ctx.settings.var_dir),
        "LOA_BASE_URL": "http://loa.test",
        **({"LOA_REDIS_URL": ctx.settings.redis_url} if ctx.settings.redis_url else {}),
    }


# --- a TOTP reset issues a one-time link; the password alone enrols nothing -----------------


def test_after_a_totp_reset_the_password_alone_enrols_nothing(
    ctx: Context,
    web: TestClient,
    clock: Clock,
    make_account: MakeAccount,
) -> None:
    an = make_account("an", role="editor", unit="14932")
    admin = make_account("th-admin", role="admin", unit="38")
    sign_in(web, admin, clock)
    home = web.get("/admin/")
    q = (
        f'mutation {{ resetTotp(username: "an", totpCode: "{admin.code(clock)}") {{ __typename'
        " ... on EnrolmentLinkIssued { username enrolmentLink expiresAt } } }"
    )
    r = web.post("/api/graphql", json={"query": q}, headers={"X-CSRF-Token": csrf_of(home.text)})
    issued = r.json()["data"]["resetTotp"]
    assert issued["__typename"] == "EnrolmentLinkIssued" and issued["username"] == "an"
    link = issued["enrolmentLink"].removeprefix("http://loa.test")
    assert link.startswith("/admin/enrol/")
    # Whoever knows the password (the attacker of issue 8) cannot enrol an authenticator.
    with pytest.raises(SignInFailed):
        auth.sign_in_password(ctx, "an", an.password, "10.9.9.9")
    attacker = TestClient(web.app, follow_redirects=False)
    page = attacker.get("/admin/login")
    r = attacker.post(
        "/admin/login",
        data={"username": "an", "password": an.password, "csrf_token": csrf_of(page.text)},
    )
    assert r.status_code == 401 and "Thông tin đăng nhập không đúng" in r.text
    assert attacker.get("/admin/enrol").headers["location"] == "/admin/login"
    reasons = [r.data["reason"] for r in audit_rows(ctx, "auth.login_failed")]
    assert reasons[-2:] == ["not enrolled", "not enrolled"]
    # The owner, with the link the admin handed over, starts again.
    owner = TestClient(web.app, follow_redirects=False)
    form = owner.get(link)
    assert form.status_code == 200
    done = owner.post(
        link,
        data={"password": an.password, "password2": an.password, "csrf_token": csrf_of(form.text)},
    )
    assert done.headers["location"] == "/admin/enrol"
    [entry] = audit_rows(ctx, "auth.totp_reset")
    assert entry.actor == "th-admin" and "enrol" not in str(entry.data).replace("enrol_", "")


# --- recovery codes: keyed digests; codes stored before still work, then are re-keyed -------


def _sha(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").encode()).hexdigest()


def test_recovery_codes_are_stored_keyed_and_old_ones_are_migrated(
    ctx: Context, make_account: MakeAccount
) -> None:
    an = make_account("an")
    with ctx.sessions() as session:
        stored = set(session.scalars(select(RecoveryCode.digest).order_by(RecoveryCode.id)))
    assert len(stored) == 10
    # A database copy alone no longer tests guesses: the digest needs LOA_SECRET_KEYS.
    assert not stored & {_sha(c) for c in an.recovery}
    assert auth.sign_in_recovery(ctx, an.user_id, an.recovery[0], "10.0.0.1") == 9
    # Two codes as an older Loa stored them (unsalted SHA-256, no scheme column yet).
    legacy = ["abcd-efgh-jkmn-pqrs", "stuv-wxyz-2345-6789"]
    with ctx.transaction() as session:
        for code in legacy:
            session.execute(
                text(
                    "INSERT INTO recovery_codes (user_id, digest, created_at) VALUES (:u, :d, :t)"
                ),
                {"u": an.user_id, "d": _sha(code), "t": dt.datetime.now(dt.UTC)},
            )
    assert auth.sign_in_recovery(ctx, an.user_id, legacy[0], "10.0.0.1") == 10
    old, new = ctx.settings.secret_keys[0].reveal(), new_key()
    done = _cli(ctx, "keys", "rotate", keys=f"{new},{old}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "recovery_codes.digest: 2 re-keyed" in done.stdout  # the used one too
    with ctx.sessions() as session:
        stored = set(session.scalars(select(RecoveryCode.digest).order_by(RecoveryCode.id)))
    assert _sha(legacy[1]) not in stored
    # Re-keyed and older keyed codes still sign in once, with the new key first.
    rotated = replace(ctx, sealer=Sealer([Secret(new), Secret(old)]))
    assert auth.sign_in_recovery(rotated, an.user_id, legacy[1], "10.0.0.1") == 9
    assert auth.sign_in_recovery(rotated, an.user_id, an.recovery[1], "10.0.0.1") == 8
    with pytest.raises(SignInFailed):
        auth.sign_in_recovery(rotated, an.user_id, legacy[1], "10.0.0.1")


# --- passwords made of context words --------------------------------------------------------


def test_passwords_made_of_context_words_are_refused(ctx: Context, tree: Any) -> None:
    token = secrets.token_urlsafe(32)
    create_user(ctx, username="nguyen.van.an", unit_code="14932", role="editor", enrol_token=token)
    with ctx.transaction() as session:
        session.execute(
            update(User)
            .where(User.username == "nguyen.van.an")
            .values(display_name="Nguyễn Văn An")
        )
    for guess in (
        "ubnd-cam-thuy-2026",  # office + commune + year
        "CẩmThủy@Loa2026",  # diacritics and case change nothing
        "Cam Thuy 14932!!",  # the commune's name and code
        "ThanhHoa12345678",  # the province above it
        "UBND-Xa-Cam-Thuy",
        "NguyenVanAn!2026",  # the person's own name
        "loa-password1",  # a product word around a common password
    ):
        with pytest.raises(ValidationFailed) as refused:
            auth.redeem_enrolment(ctx, token, guess, "10.0.0.1")
        assert "ubnd" in refused.value.fields["password"], guess
    # A passphrase that merely mentions the commune is fine.
    step = auth.redeem_enrolment(ctx, token, "Cẩm-Thủy-2026-an-toàn", "10.0.0.1")
    assert step.username == "nguyen.van.an"


# --- lockout is not a denial-of-service switch ----------------------------------------------


def _try(ctx: Context, username: str, password: str, address: str) -> str:
    """What a client at ``address`` is told: "ok", "wrong" or "locked" (never which account)."""
    try:
        auth.sign_in_password(ctx, username, password, address)
    except LockedOut as exc:
        assert 0 < exc.retry_after <= ctx.settings.login_lockout
        return "locked"
    except SignInFailed:
        return "wrong"
    return "ok"


def test_guessing_from_elsewhere_never_locks_the_owner_out(
    ctx: Context, make_account: MakeAccount
) -> None:
    an = make_account("an")
    n = ctx.settings.login_max_failures
    # The attacker of issue 8: wrong passwords for "an" from one address.
    for name in ("an", "khong-co-ai"):
        answers = [_try(ctx, name, f"sai-{i}", "203.0.113.9") for i in range(n + 1)]
        assert answers == ["wrong"] * n + ["locked"], name  # the source is locked, alike
    assert _try(ctx, "an", an.password, "203.0.113.9") == "locked"
    # The owner, at their office, signs in.
    assert _try(ctx, "an", an.password, "10.38.0.7") == "ok"
    locked = audit_rows(ctx, "auth.login_locked")
    assert [r.actor for r in locked] == ["an", "anonymous", "an"]
    assert {r.data["address"] for r in locked} == {"203.0.113.9"}


def test_guesses_spread_over_addresses_slow_strangers_not_the_owner(
    ctx: Context,
    make_account: MakeAccount,
    clock: Clock,
) -> None:
    an = make_account("an")
    auth.sign_in_password(ctx, "an", an.password, "10.38.0.7")  # the owner's usual place
    auth.sign_in_code(ctx, an.user_id, an.code(clock), "10.38.0.7")
    slow_after = 2 * ctx.settings.login_max_failures
    for name in ("an", "khong-co-ai"):
        answers = [_try(ctx, name, "sai", f"198.51.100.{i}") for i in range(slow_after + 1)]
        # One guess per address: no source lock; past the account-wide threshold, every
        # unknown address waits (existing account or not: the same answers).
        assert answers == ["wrong"] * slow_after + ["locked"], name
    assert _try(ctx, "an", an.password, "192.0.2.50") == "locked"  # a stranger: waits
    assert _try(ctx, "an", an.password, "10.38.0.7") == "ok"  # the owner: never


def test_the_address_an_account_enrolled_from_is_known_to_it(ctx: Context, tree: Any) -> None:
    token = secrets.token_urlsafe(32)
    user = create_user(ctx, username="an", unit_code="14932", role="editor", enrol_token=token)
    for i in range(2 * ctx.settings.login_max_failures + 1):  # an attack under way
        _try(ctx, "an", "sai", f"198.51.100.{i}")
    auth.redeem_enrolment(ctx, token, "Cẩm-Thủy-2026-an-toàn", "10.38.0.7")
    secret = totp.new_secret()
    auth.confirm_totp(ctx, user.id, secret, pyotp.TOTP(secret).now(), "10.38.0.7")
    assert _try(ctx, "an", "Cẩm-Thủy-2026-an-toàn", "10.38.0.7") == "ok"
    assert _try(ctx, "an", "Cẩm-Thủy-2026-an-toàn", "192.0.2.50") == "locked"
