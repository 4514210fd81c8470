"""The operator's people and structure pages: CSRF on every form, a fresh code for grants,
resets and disables, refusals audited and answered, bad input shown beside the form."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from core.actions import structure
from core.auth.actions import actor_for
from core.auth.permissions import SYSTEM, acts_as
from core.context import Context
from tests.core.auth.conftest import Clock, MakeAccount, audit_rows, csrf_of, sign_in


def _post(web: TestClient, page: str, action: str, data: dict[str, str]) -> object:
    csrf = csrf_of(web.get(page).text)
    return web.post(action, data={**data, "csrf_token": csrf})


def test_an_admin_grants_a_role_with_a_fresh_code_only(
    ctx: Context, web: TestClient, clock: Clock, make_account: MakeAccount
) -> None:
    an = make_account("nguyen-an", role="editor", unit="14932")
    admin = make_account("xa-admin", role="admin", unit="14932")
    sign_in(web, admin, clock)
    listing = web.get("/admin/ops/people?q=nguyen an")
    assert listing.status_code == 200 and 'data-username="nguyen-an"' in listing.text
    page = "/admin/ops/people/nguyen-an"
    assert "Biên tập viên" in web.get(page).text
    # Without the CSRF token: refused and audited, nothing granted.
    r = web.post(f"{page}/grant", data={"role": "police", "unit_code": "14932"})
    assert r.status_code == 403 and audit_rows(ctx, "auth.csrf_refused")
    # Without a code: asked for one beside the form.
    r = _post(web, page, f"{page}/grant", {"role": "police", "unit_code": "14932"})
    assert r.status_code == 400 and "mã xác thực mới" in r.text  # type: ignore[attr-defined]
    r = _post(
        web, page, f"{page}/grant", {"role": "police", "unit_code": "14932", "code": "000000"}
    )
    assert r.status_code == 400 and "không đúng" in r.text  # type: ignore[attr-defined]
    with ctx.sessions() as session:
        grantee = actor_for(session, an.user_id)
    assert grantee is not None and not acts_as(grantee, "police", grantee.grants[0].unit_path)
    r = _post(
        web,
        page,
        f"{page}/grant",
        {"role": "police", "unit_code": "14932", "code": admin.code(clock)},
    )
    assert r.status_code == 303, r.text  # type: ignore[attr-defined]
    clock.step()
    with ctx.sessions() as session:
        grantee = actor_for(session, an.user_id)
    assert grantee is not None and acts_as(grantee, "police", grantee.grants[0].unit_path)
    assert "Công an" in web.get(page).text
    # Above the commune admin's own unit: refused (403) and audited.
    r = _post(
        web,
        page,
        f"{page}/grant",
        {"role": "approver", "unit_code": "38", "code": admin.code(clock)},
    )
    clock.step()
    assert r.status_code == 403  # type: ignore[attr-defined]
    assert any(e.data["via"] == "admin" for e in audit_rows(ctx, "auth.forbidden"))


def test_reset_totp_and_create_account_show_a_one_time_link(
    ctx: Context, web: TestClient, clock: Clock, make_account: MakeAccount
) -> None:
    make_account("nguyen-an", role="editor", unit="14932")
    admin = make_account("xa-admin", role="admin", unit="14932")
    sign_in(web, admin, clock)
    page = "/admin/ops/people/nguyen-an"
    r = _post(web, page, f"{page}/reset", {"code": admin.code(clock)})
    clock.step()
    assert r.status_code == 200 and 'id="enrol-link"' in r.text  # type: ignore[attr-defined]
    assert re.search(r"/admin/enrol/[\w-]{20,}", r.text)  # type: ignore[attr-defined]
    assert "Chờ đăng ký" in web.get(page).text
    new = "/admin/ops/people/new"
    fields = {"username": "tran-moi", "display_name": "Trần Mới", "role": "editor"}
    r = _post(web, new, new, {**fields, "unit_code": "14932", "code": "12"})
    assert r.status_code == 400  # type: ignore[attr-defined]
    r = _post(web, new, new, {**fields, "unit_code": "14932", "code": admin.code(clock)})
    clock.step()
    assert r.status_code == 200 and 'id="enrol-link"' in r.text  # type: ignore[attr-defined]
    r = _post(web, new, new, {**fields, "unit_code": "14932", "code": admin.code(clock)})
    clock.step()
    assert r.status_code == 400 and "đã có" in r.text  # type: ignore[attr-defined]
    # Disabling one's own account is refused.
    own = "/admin/ops/people/xa-admin"
    r = _post(web, new, f"{own}/disable", {"code": admin.code(clock)})
    clock.step()
    assert r.status_code in (400, 403)  # type: ignore[attr-defined]


def test_structure_pages_create_rename_and_refuse_bad_names(
    ctx: Context, web: TestClient, clock: Clock, make_account: MakeAccount
) -> None:
    admin = make_account("xa-admin", role="admin", unit="14932")
    editor = make_account("bien-tap", role="editor", unit="14932")
    sign_in(web, admin, clock)
    page = "/admin/ops/structure?unit=14932"
    assert web.get(page).status_code == 200
    base = "/admin/ops/structure"
    r = _post(web, page, f"{base}/agencies/new", {"unit": "14932", "name": "Công an xã"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    r = _post(web, page, f"{base}/agencies/new", {"unit": "14932", "name": "cong an XA"})
    assert r.status_code == 400 and "đã có" in r.text  # type: ignore[attr-defined]
    r = _post(web, page, f"{base}/categories/new", {"unit": "14932", "name": "Chuyển đổi số"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    shown = web.get(page).text
    assert "Công an xã" in shown and 'data-category="chuyen-doi-so"' in shown
    [agency] = structure.list_agencies(ctx, SYSTEM, "14932")
    r = _post(web, page, f"{base}/agencies/{agency.id}/active", {"unit": "14932", "active": "0"})
    assert r.status_code == 303  # type: ignore[attr-defined]
    assert structure.list_agencies(ctx, SYSTEM, "14932")[0].active is False
    r = web.post(f"{base}/agencies/new", data={"unit": "14932", "name": "Không CSRF"})
    assert r.status_code == 403
    other = TestClient(web.app, follow_redirects=False)
    sign_in(other, editor, clock)
    assert other.get(page).status_code == 403


def test_grant_role_in_the_management_api_needs_a_fresh_code_too(
    ctx: Context, web: TestClient, clock: Clock, make_account: MakeAccount
) -> None:
    an = make_account("nguyen-an", role="editor", unit="14932")
    admin = make_account("xa-admin", role="admin", unit="14932")
    sign_in(web, admin, clock)
    csrf = {"X-CSRF-Token": csrf_of(web.get("/admin/ops/people/new").text)}
    ask = (
        'mutation { grantRole(username: "nguyen-an", unitCode: "14932", role: "police"%s)'
        " { __typename ... on ForbiddenError { code } } }"
    )
    r = web.post("/api/graphql", json={"query": ask % ""}, headers=csrf)
    assert r.json()["data"]["grantRole"] == {
        "__typename": "ForbiddenError",
        "code": "STEP_UP_REQUIRED",
    }
    code = f', totpCode: "{admin.code(clock)}"'
    r = web.post("/api/graphql", json={"query": ask % code}, headers=csrf)
    clock.step()
    assert r.json()["data"]["grantRole"]["__typename"] == "Done"
    with ctx.sessions() as session:
        grantee = actor_for(session, an.user_id)
    assert grantee is not None and acts_as(grantee, "police", grantee.grants[0].unit_path)
