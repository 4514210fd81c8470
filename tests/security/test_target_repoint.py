"""Security issue 8, attack 3: re-pointing a channel without a fresh code.

A write token changed ``settings.webhook_url`` to a foreign host without ``totpCode``, and
the stored secret then signed everything sent there. Now any change of where a target
sends (the settings its plugin declares as destinations; every setting when it declares
none) or of its gates needs a fresh code, refusals are audited, and a new destination
never inherits the old destination's secrets.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from core.actions import targets
from core.audit import AuditEntry
from core.auth import totp
from core.auth.permissions import SYSTEM
from core.context import Context
from core.graphql import management_app
from core.targets.models import ChannelTarget
from tests.conftest import API_TOKEN, TEST_TOTP_SECRET

OLD_SECRET = "whsec_" + "b2xkLXNlY3JldC1zaGFyZWQtd2l0aC10aGUtcG9ydGFs"
NEW_SECRET = "whsec_" + "bmV3LXNlY3JldC1tYWRlLWZvci10aGUtbmV3LXBvcnRhbA=="
RESULT = """ __typename
  ... on ChannelTargetResult { target { settings hasSecrets } }
  ... on ForbiddenError { code }
  ... on ValidationError { fields { field message } }"""
UPDATE = (
    "mutation($id: ID!, $input: ChannelTargetUpdateInput!, $code: String) {"
    " updateChannelTarget(id: $id, input: $input, totpCode: $code) {" + RESULT + " } }"
)
CREATE = (
    "mutation($input: ChannelTargetInput!, $code: String) {"
    " createChannelTarget(input: $input, totpCode: $code) {" + RESULT + " } }"
)


class Clock:
    """TOTP's now, stepped by the test so each step-up has a code never used before."""

    def __init__(self) -> None:
        self.now = float(int(time.time()) // 30 * 30 + 1)

    def time(self) -> float:
        return self.now

    def code(self) -> str:
        self.now += 30
        return pyotp.TOTP(TEST_TOTP_SECRET).at(self.now)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(totp, "time", c)
    return c


@pytest.fixture
def api(ctx: Context, tree: Any) -> Iterator[Any]:
    """``api(query, **variables)`` with the test admin's write token (no session)."""
    with TestClient(management_app(ctx), raise_server_exceptions=False) as client:

        def call(query: str, **variables: Any) -> Any:
            headers = {"Authorization": f"Bearer {API_TOKEN}"}
            body = client.post("/", json={"query": query, "variables": variables}, headers=headers)
            return body.json()["data"]

        yield call


def _portal(ctx: Context, **extra: Any) -> ChannelTarget:
    return targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Cổng xã Cẩm Thủy",
            "plugin": "portal",
            "unit_code": "14932",
            "settings": {"webhook_url": "https://portal.camthuy.example.vn/hook"},
            "secrets": {"webhook_secret": OLD_SECRET},
            **extra,
        },
    )


def _stored(ctx: Context, target_id: int) -> tuple[dict[str, Any], dict[str, str], Any]:
    with ctx.sessions() as session:
        row = session.get(ChannelTarget, target_id)
        assert row is not None
        return dict(row.settings), ctx.sealer.open(row.secrets_sealed), row.gates


def _audit(ctx: Context, action: str) -> list[dict[str, Any]]:
    with ctx.sessions() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
        return [dict(r.data or {}) for r in rows]


def test_repointing_without_a_code_is_refused_and_audited(ctx: Context, api: Any) -> None:
    target = _portal(ctx)
    foreign = {"settings": {"webhook_url": "https://attacker.example/collect"}}
    answer = api(UPDATE, id=str(target.id), input=foreign)["updateChannelTarget"]
    assert answer == {"__typename": "ForbiddenError", "code": "STEP_UP_REQUIRED"}
    settings, secrets, _ = _stored(ctx, target.id)
    assert settings == {"webhook_url": "https://portal.camthuy.example.vn/hook"}
    assert secrets == {"webhook_secret": OLD_SECRET}
    assert {"permission": "step_up", "address": "testclient", "via": "api"} in _audit(
        ctx, "auth.forbidden"
    )
    assert _audit(ctx, "target.update") == []


def test_a_new_destination_never_inherits_the_old_secret(
    ctx: Context, api: Any, clock: Clock
) -> None:
    target = _portal(ctx)
    moved = {"settings": {"webhook_url": "https://portal.moi.example.vn/hook"}}
    # With a code but no new secret: the old one is not carried over, and a portal needs one.
    answer = api(UPDATE, id=str(target.id), input=moved, code=clock.code())["updateChannelTarget"]
    assert answer["__typename"] == "ValidationError"
    assert {f["field"] for f in answer["fields"]} == {"settings", "secrets"}
    assert _stored(ctx, target.id)[1] == {"webhook_secret": OLD_SECRET}  # nothing changed
    # With a code and a secret of its own: moved, and only the new secret is kept.
    given = {**moved, "secrets": {"webhook_secret": NEW_SECRET}}
    answer = api(UPDATE, id=str(target.id), input=given, code=clock.code())["updateChannelTarget"]
    assert answer["__typename"] == "ChannelTargetResult"
    settings, secrets, _ = _stored(ctx, target.id)
    assert settings == moved["settings"] and secrets == {"webhook_secret": NEW_SECRET}
    [entry] = _audit(ctx, "target.update")
    assert entry["moved"] == ["webhook_url"] and entry["secrets_dropped"] is False


def test_undeclared_settings_all_count_and_a_move_drops_the_secrets(
    ctx: Context, api: Any, clock: Clock
) -> None:
    """``testchannel`` declares no destinations: every setting counts as one."""
    target = targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "t",
            "plugin": "testchannel",
            "unit_code": "14932",
            "settings": {"append": ""},
            "secrets": {"token": "shared-with-the-old-destination"},
        },
    )
    change = {"settings": {"append": " elsewhere"}}
    refused = api(UPDATE, id=str(target.id), input=change)["updateChannelTarget"]
    assert refused == {"__typename": "ForbiddenError", "code": "STEP_UP_REQUIRED"}
    done = api(UPDATE, id=str(target.id), input=change, code=clock.code())["updateChannelTarget"]
    assert done["target"] == {"settings": {"append": " elsewhere"}, "hasSecrets": False}
    assert _stored(ctx, target.id)[1] == {}
    [entry] = _audit(ctx, "target.update")
    assert entry["moved"] == ["append"] and entry["secrets_dropped"] is True


def test_gate_changes_need_a_code(ctx: Context, api: Any, clock: Clock) -> None:
    target = _portal(ctx)
    skip_board = {"gates": []}  # no editorial board: the admin's approval would release it
    answer = api(UPDATE, id=str(target.id), input=skip_board)["updateChannelTarget"]
    assert answer == {"__typename": "ForbiddenError", "code": "STEP_UP_REQUIRED"}
    assert _stored(ctx, target.id)[2] is None  # still the plugin's rule
    answer = api(UPDATE, id=str(target.id), input=skip_board, code=clock.code())
    assert answer["updateChannelTarget"]["__typename"] == "ChannelTargetResult"
    assert _stored(ctx, target.id)[2] == []
    back = api(UPDATE, id=str(target.id), input={"gates": None})["updateChannelTarget"]
    assert back == {"__typename": "ForbiddenError", "code": "STEP_UP_REQUIRED"}
    # Neither the same gates again, nor a name or an on/off switch, need a code.
    same = {"gates": [], "name": "Cổng xã (mới)", "enabled": False}
    answer = api(UPDATE, id=str(target.id), input=same)["updateChannelTarget"]
    assert answer["__typename"] == "ChannelTargetResult"
    assert _stored(ctx, target.id)[1] == {"webhook_secret": OLD_SECRET}


def test_creating_a_target_with_its_own_gates_needs_a_code(
    ctx: Context, api: Any, clock: Clock
) -> None:
    data = {"name": "t", "plugin": "testchannel", "unitCode": "14932", "gates": []}
    refused = api(CREATE, input=data)["createChannelTarget"]
    assert refused == {"__typename": "ForbiddenError", "code": "STEP_UP_REQUIRED"}
    made = api(CREATE, input=data, code=clock.code())["createChannelTarget"]
    assert made["__typename"] == "ChannelTargetResult"
    plain = {"name": "t2", "plugin": "testchannel", "unitCode": "14932"}
    assert api(CREATE, input=plain)["createChannelTarget"]["__typename"] == "ChannelTargetResult"
