"""``loa agencies``, ``loa categories``, ``loa roles`` and ``loa accounts``: the same actions as
the desk, acting as the operator's shell (audited as ``cli``), a clear line and exit status 1
on bad input."""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner, Result

from core.actions import structure
from core.auth import people
from core.auth.permissions import SYSTEM
from core.cli import main
from core.context import Context
from tests.core.auth.conftest import MakeAccount, audit_rows
from tests.core.test_audit import cli_env


def _loa(ctx: Context, *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=cli_env(ctx))


def test_agencies_and_categories_from_the_shell(ctx: Context, tree: dict[str, Any]) -> None:
    made = _loa(ctx, "agencies", "create", "--unit", "14932", "Văn phòng UBND xã")
    assert made.exit_code == 0, made.output
    assert [a.name for a in structure.list_agencies(ctx, SYSTEM, "14932")] == ["Văn phòng UBND xã"]
    again = _loa(ctx, "agencies", "create", "--unit", "14932", "van phong ubnd xa")
    assert again.exit_code == 1 and "BAD_USER_INPUT" in again.output
    nowhere = _loa(ctx, "agencies", "create", "--unit", "99999", "X")
    assert nowhere.exit_code == 1 and "no unit" in nowhere.output
    listed = _loa(ctx, "agencies", "list", "--unit", "14932")
    assert listed.exit_code == 0 and "active\tVăn phòng UBND xã" in listed.output
    cat = _loa(ctx, "categories", "create", "--unit", "14932", "Chuyển đổi số")
    assert cat.exit_code == 0 and "chuyen-doi-so" in cat.output
    parent = structure.list_categories(ctx, SYSTEM, "14932")[0].id
    section = _loa(
        ctx, "categories", "create", "--unit", "14932", "Hỏi đáp", "--parent", str(parent)
    )
    assert section.exit_code == 0, section.output
    listed = _loa(ctx, "categories", "list", "--unit", "14932")
    assert "chuyen-doi-so\tactive\tChuyển đổi số" in listed.output
    assert "hoi-dap\tactive\t  Hỏi đáp" in listed.output
    assert [e.actor for e in audit_rows(ctx, "agency.create")] == ["cli"]


def test_roles_and_accounts_from_the_shell(
    ctx: Context, tree: dict[str, Any], make_account: MakeAccount
) -> None:
    make_account("nguyen-an", role="editor", unit="14932")
    granted = _loa(ctx, "roles", "grant", "nguyen-an", "editorial_board", "--unit", "14932")
    assert granted.exit_code == 0, granted.output
    [an] = people.list_accounts(ctx, SYSTEM, "nguyen-an")
    assert {r.role for r in an.roles} == {"editor", "editorial_board"}
    bad = _loa(ctx, "roles", "grant", "nguyen-an", "emperor", "--unit", "14932")
    assert bad.exit_code == 1 and "must be one of" in bad.output
    ghost = _loa(ctx, "roles", "grant", "khong-co", "editor", "--unit", "14932")
    assert ghost.exit_code == 1 and "NOT_FOUND" in ghost.output
    listed = _loa(ctx, "accounts", "list", "--search", "nguyen")
    assert listed.exit_code == 0
    assert "nguyen-an\tactive\ttotp\t" in listed.output
    assert "editorial_board@14932" in listed.output
    revoked = _loa(ctx, "roles", "revoke", "nguyen-an", "editorial_board", "--unit", "14932")
    assert revoked.exit_code == 0, revoked.output
    twice = _loa(ctx, "roles", "revoke", "nguyen-an", "editorial_board", "--unit", "14932")
    assert twice.exit_code == 1
    created = _loa(ctx, "accounts", "create", "tran-moi", "--role", "editor", "--unit", "14932")
    assert created.exit_code == 0 and "/admin/enrol/" in created.output
    assert [e.actor for e in audit_rows(ctx, "role.grant")] == ["cli"]


def test_the_demo_accounts_hold_every_role_the_demo_path_asks_for(
    ctx: Context, tree: dict[str, Any]
) -> None:
    """Each gate of the demo's commune items (the scope rule and every channel's declared
    gate) is decided by a demo account, and a national item's steps too."""
    from core.auth.actions import grants_of
    from core.auth.models import User
    from core.auth.permissions import Actor, holds
    from core.cli import demo_accounts
    from core.units.lookups import find_unit
    from core.workflow.policy import default_rules, parse_steps

    demo_accounts(ctx)
    demo_accounts(ctx)  # twice: still one grant each
    with ctx.sessions() as session:
        actors = [
            Actor(u.username, grants_of(session, u.id), u.id)
            for u in session.query(User).filter(User.username.like("demo-%"))
        ]
        rules = default_rules(session)
        paths = {c: find_unit(session, c).path for c in ("14932", "38", "VN")}  # type: ignore[union-attr]
    where = {"item_unit": "14932", "target_unit": "14932", "province": "38", "national": "VN"}
    channels = [k for k in rules if k.startswith("plugin:")]
    assert {"plugin:portal", "plugin:vneid"} <= set(channels)
    needed = ["scope:commune", "scope:national", *channels]
    for key in needed:
        for step in parse_steps(rules[key]):
            place = paths[where[step.at]]
            assert any(holds(a, step.role, place) for a in actors), (key, step.key)
    approver = next(a for a in actors if a.name == "demo-approver")
    assert sorted(g.role for g in approver.grants) == ["approver", "editorial_board", "police"]
