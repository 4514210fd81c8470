"""The accounts of my units: listed with their roles and second factor, searched without
diacritics; created with an enrolment link; roles granted and revoked and TOTP reset with a
fresh code only, never above one's own role nor outside one's units; disabled and enabled;
nobody locks themselves (or the last national admin) out."""

from __future__ import annotations

import pytest

from core.auth import actions, people
from core.auth.permissions import SYSTEM, StepUpRequired, acts_as
from core.context import Context
from core.errors import Forbidden, NotFound, ValidationFailed
from tests.conftest import TEST_ADMIN
from tests.core.auth.conftest import PASSWORD, Clock, MakeAccount, audit_rows
from tests.core.people.conftest import ActorOf


def test_an_admin_lists_the_accounts_of_its_units_only(
    ctx: Context, make_account: MakeAccount, actor_of: ActorOf
) -> None:
    make_account("nguyen-van-an", role="editor", unit="14932")
    make_account("ha-noi-editor", role="editor", unit="00004")
    with ctx.transaction() as session:
        from sqlalchemy import select

        from core.auth.models import User

        user = session.scalar(select(User).where(User.username == "nguyen-van-an"))
        assert user is not None
        user.display_name = "Nguyễn Văn Ân"
    admin = actor_of(make_account("tinh-admin", role="admin", unit="38"))
    listed = people.list_accounts(ctx, admin)
    assert [a.username for a in listed] == ["nguyen-van-an", "tinh-admin"]  # not Hà Nội's
    [an] = people.list_accounts(ctx, admin, "nguyen van an")  # without diacritics
    assert an.totp_enrolled and an.active and an.last_login_at is not None
    assert [(r.role, r.unit_code) for r in an.roles] == [("editor", "14932")]
    assert people.list_accounts(ctx, admin, "khong co") == []
    editor = actor_of(make_account("bien-tap", role="editor", unit="14932"))
    with pytest.raises(Forbidden):
        people.list_accounts(ctx, editor)


def test_grants_need_a_fresh_code_and_never_go_above_ones_own(
    ctx: Context, make_account: MakeAccount, actor_of: ActorOf
) -> None:
    an = make_account("an", role="editor", unit="14932")
    commune_admin = make_account("xa-admin", role="admin", unit="14932")
    admin = actor_of(commune_admin)
    with pytest.raises(StepUpRequired):
        actions.grant_role(ctx, actor_of(commune_admin, stepped_up=False), "an", "14932", "police")
    with pytest.raises(Forbidden):  # the province is above the commune admin's unit
        actions.grant_role(ctx, admin, "an", "38", "approver")
    with pytest.raises(Forbidden):
        actions.grant_role(ctx, admin, "xa-admin", "14932", "police")  # its own roles
    with pytest.raises(ValidationFailed):
        actions.grant_role(ctx, admin, "an", "14932", "emperor")
    actions.grant_role(ctx, admin, "an", "14932", "police")
    commune = actor_of(an).grants[0].unit_path
    assert acts_as(actor_of(an), "police", commune)  # the grantee now appraises for VNeID
    with pytest.raises(StepUpRequired):
        actions.revoke_role(ctx, actor_of(commune_admin, False), "an", "14932", "police")
    actions.revoke_role(ctx, admin, "an", "14932", "police")
    assert [g.role for g in actor_of(an).grants] == ["editor"]
    assert [e.data for e in audit_rows(ctx, "role.grant")] == [{"role": "police", "unit": "14932"}]
    assert len(audit_rows(ctx, "role.revoke")) == 1


def test_create_an_account_then_it_enrols_from_its_link(
    ctx: Context, make_account: MakeAccount, actor_of: ActorOf, clock: Clock
) -> None:
    admin = make_account("xa-admin", role="admin", unit="14932")
    with pytest.raises(StepUpRequired):
        people.create_account(
            ctx, actor_of(admin, False), username="moi", unit_code="14932", role="editor"
        )
    with pytest.raises(Forbidden):
        people.create_account(ctx, actor_of(admin), username="moi", unit_code="38", role="editor")
    with pytest.raises(ValidationFailed):
        people.create_account(
            ctx, actor_of(admin), username="Có Dấu", unit_code="14932", role="editor"
        )
    with pytest.raises(ValidationFailed):
        people.create_account(
            ctx, actor_of(admin), username="xa-admin", unit_code="14932", role="editor"
        )
    link = people.create_account(
        ctx,
        actor_of(admin),
        username="moi",
        unit_code="14932",
        role="editor",
        display_name="Trần Thị Mới",
    )
    [row] = people.list_accounts(ctx, actor_of(admin), "tran thi moi")
    assert row.link_pending and not row.totp_enrolled and row.last_login_at is None
    step = actions.redeem_enrolment(ctx, link.token, PASSWORD, "127.0.0.1")
    assert step.username == "moi" and not step.enrolled
    [entry] = [e for e in audit_rows(ctx, "user.create") if e.data["username"] == "moi"]
    assert entry.actor == "xa-admin" and entry.data["role"] == "editor"


def test_reset_totp_needs_a_fresh_code(
    ctx: Context, make_account: MakeAccount, actor_of: ActorOf
) -> None:
    make_account("an", role="editor", unit="14932")
    admin = make_account("xa-admin", role="admin", unit="14932")
    with pytest.raises(StepUpRequired):
        actions.reset_totp(ctx, actor_of(admin, False), "an")
    link = actions.reset_totp(ctx, actor_of(admin), "an")
    assert link.username == "an" and link.token


def test_disable_and_enable_and_nobody_locks_themselves_out(
    ctx: Context, make_account: MakeAccount, actor_of: ActorOf, clock: Clock
) -> None:
    an = make_account("an", role="editor", unit="14932")
    admin = make_account("xa-admin", role="admin", unit="14932")
    nation = make_account("tw-admin", role="admin", unit="VN")
    with pytest.raises(StepUpRequired):
        people.set_active(ctx, actor_of(admin, False), "an", False)
    with pytest.raises(Forbidden):
        people.set_active(ctx, actor_of(admin), "xa-admin", False)
    with pytest.raises(NotFound):  # above the commune admin: as if there were none
        people.set_active(ctx, actor_of(admin), "tw-admin", False)
    row = people.set_active(ctx, actor_of(admin), "an", False, "nghỉ việc")
    assert not row.active and row.disabled_reason == "nghỉ việc"
    with pytest.raises(Exception):  # noqa: B017 - whatever the refusal, no sign-in
        actions.sign_in_password(ctx, "an", an.password, "10.0.0.9")
    people.set_active(ctx, actor_of(admin), "an", True)
    assert actions.sign_in_password(ctx, "an", an.password, "10.0.0.9").enrolled
    assert [e.data["reason"] for e in audit_rows(ctx, "user.disabled")] == ["nghỉ việc"]
    assert len(audit_rows(ctx, "user.enabled")) == 1
    # The only national admin keeps the role and the account, whoever asks.
    actions.revoke_role(ctx, SYSTEM, TEST_ADMIN, "VN", "admin")  # tw-admin is left
    with pytest.raises(Forbidden):
        actions.revoke_role(ctx, SYSTEM, "tw-admin", "VN", "admin")
    with pytest.raises(Forbidden):
        people.set_active(ctx, SYSTEM, "tw-admin", False)
    second = make_account("tw-admin-2", role="admin", unit="VN")
    actions.revoke_role(ctx, actor_of(second), "tw-admin", "VN", "admin")
    assert actor_of(nation).grants == ()
