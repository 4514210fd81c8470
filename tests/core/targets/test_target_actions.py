"""The channel admin's actions on targets: test the connection, delete, keep other secrets,
and the reads of the channel screen (only my units; secret names, never values)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.actions import content, target_reads, targets
from core.auth import actions as auth_actions
from core.auth.permissions import SYSTEM, StepUpRequired
from core.context import Context
from core.errors import Forbidden, ValidationFailed
from tests.core.auth.conftest import Clock, MakeAccount, audit_rows
from tests.support.pipeline import COMMUNE, SECRET


def _admin(ctx: Context, make_account: MakeAccount, clock: Clock, *, stepped: bool) -> Any:
    account = make_account("kenh", role="channel_admin", unit=COMMUNE)
    with ctx.sessions() as session:
        actor = auth_actions.actor_for(session, account.user_id)
    if stepped:
        actor = auth_actions.step_up(ctx, actor, account.code(clock))
        clock.step()
    return actor


def test_a_good_connection_is_healthy_and_audited(
    ctx: Context, portal_target: Any, make_account: MakeAccount, clock: Clock
) -> None:
    actor = _admin(ctx, make_account, clock, stepped=False)
    checked = targets.check_connection(ctx, actor, portal_target.id)
    assert checked.ok and checked.health == "ok", checked
    assert [r.data["ok"] for r in audit_rows(ctx, "target.check")] == [True]
    views = target_reads.target_views(ctx, actor)
    assert [(v.id, v.health) for v in views] == [(portal_target.id, "ok")]


def test_a_refused_secret_needs_reauthorisation_and_is_never_quoted(
    ctx: Context, portal_target: Any, make_account: MakeAccount, clock: Clock
) -> None:
    wrong = "whsec_" + "d3JvbmctcG9ydGFsLXNlY3JldC0xMjM0NTY3ODkwMTI="
    targets.update_target(ctx, SYSTEM, portal_target.id, {"secrets": {"webhook_secret": wrong}})
    actor = _admin(ctx, make_account, clock, stepped=False)
    checked = targets.check_connection(ctx, actor, portal_target.id)
    assert not checked.ok and checked.health == "needs_reauthorisation"
    assert wrong not in checked.note and "signature" in checked.note


def test_another_units_channel_admin_can_neither_test_nor_read_nor_delete(
    ctx: Context, portal_target: Any, make_account: MakeAccount, clock: Clock
) -> None:
    other = make_account("kenh-khac", role="channel_admin", unit="14950")
    with ctx.sessions() as session:
        actor = auth_actions.actor_for(session, other.user_id)
    actor = auth_actions.step_up(ctx, actor, other.code(clock))
    assert target_reads.target_views(ctx, actor) == []
    for action in (targets.check_connection, target_reads.target_detail, targets.delete_target):
        with pytest.raises(Forbidden):
            action(ctx, actor, portal_target.id)


def test_delete_needs_step_up_and_removes_an_unused_target(
    ctx: Context, portal_target: Any, make_account: MakeAccount, clock: Clock
) -> None:
    account = make_account("kenh", role="channel_admin", unit=COMMUNE)
    with ctx.sessions() as session:
        plain = auth_actions.actor_for(session, account.user_id)
    with pytest.raises(StepUpRequired):
        targets.delete_target(ctx, plain, portal_target.id)
    stepped = auth_actions.step_up(ctx, plain, account.code(clock))
    targets.delete_target(ctx, stepped, portal_target.id)
    assert target_reads.target_views(ctx, stepped) == []
    assert [r.data["name"] for r in audit_rows(ctx, "target.delete")] == [portal_target.name]


def test_a_used_target_is_not_deleted(
    ctx: Context, portal_target: Any, make_account: MakeAccount, clock: Clock
) -> None:
    actor = _admin(ctx, make_account, clock, stepped=True)
    content.create(
        ctx,
        SYSTEM,
        {"title": "Thông báo", "unit_code": COMMUNE, "target_ids": [portal_target.id]},
    )
    with pytest.raises(ValidationFailed) as refused:
        targets.delete_target(ctx, actor, portal_target.id)
    assert "disable it instead" in refused.value.fields["target"]
    assert [v.id for v in target_reads.target_views(ctx, actor)] == [portal_target.id]


def test_new_secrets_can_keep_the_others_unless_the_destination_moved(
    ctx: Context, portal_target: Any
) -> None:
    nxt = "whsec_" + "bmV4dC1wb3J0YWwtc2VjcmV0LTEyMzQ1Njc4OTAxMjM="
    data = {"secrets": {"webhook_secret_next": nxt}, "keep_other_secrets": True}
    targets.update_target(ctx, SYSTEM, portal_target.id, data)
    detail = target_reads.target_detail(ctx, SYSTEM, portal_target.id)
    assert detail.view.secrets_set == ("webhook_secret", "webhook_secret_next")
    assert SECRET not in repr(detail) and nxt not in repr(detail)


def test_detail_reads_recent_deliveries_and_no_allowance_for_an_unrationed_channel(
    ctx: Context, portal_target: Any
) -> None:
    detail = target_reads.target_detail(ctx, SYSTEM, portal_target.id)
    assert detail.deliveries == [] and detail.allowance is None
    assert detail.view.plugin.checkable and not detail.view.plugin.connectable
    keys = [f.key for f in detail.view.plugin.schema or ()]
    assert keys == ["webhook_url", "webhook_secret", "webhook_secret_next"]
    assert detail.view.expires_at is None or isinstance(detail.view.expires_at, dt.datetime)


def test_detail_shows_the_allowance_left_after_the_ledger_and_the_latest_deliveries(
    ctx: Context, tree: Any
) -> None:
    from core.db import utcnow
    from core.delivery.models import Delivery, DeliveryState

    rationed = targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Kênh có hạn mức",
            "plugin": "testquota",
            "unit_code": COMMUNE,
            "settings": {"daily_units": 5000},
        },
    )
    article = content.create(
        ctx, SYSTEM, {"title": "Lịch tiếp dân", "unit_code": COMMUNE, "target_ids": [rationed.id]}
    )
    with ctx.transaction() as session:
        for n, state in enumerate((DeliveryState.DELIVERED, DeliveryState.FAILED)):
            session.add(
                Delivery(
                    article_id=article.id,
                    target_id=rationed.id,
                    action="publish",
                    state=state,
                    cost={"quota_units": 1600} if n == 0 else None,
                    finished_at=utcnow(),
                    error_message="" if n == 0 else "kênh từ chối",
                )
            )
    detail = target_reads.target_detail(ctx, SYSTEM, rationed.id)
    assert detail.allowance is not None and detail.allowance.error == ""
    assert detail.allowance.left == {"quota_units": 3400.0}
    assert detail.allowance.resets_at is not None
    assert [(d.state, d.item_title) for d in detail.deliveries] == [
        ("failed", "Lịch tiếp dân"),
        ("delivered", "Lịch tiếp dân"),
    ]
