"""Sign-in through the admin pages: each attack is refused with the right answer and audited."""

from __future__ import annotations

import re
from typing import Any

import pyotp
from click.testing import CliRunner
from starlette.testclient import TestClient

from core.cli import main
from core.context import Context
from tests.core.auth.conftest import PASSWORD, Clock, MakeAccount, audit_rows, csrf_of, sign_in

ME = {"query": "{ me { username } }"}


def _login(web: TestClient, username: str, password: str) -> Any:
    page = web.get("/admin/login")
    return web.post(
        "/admin/login",
        data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
    )


def test_brute_force_is_locked_out_without_telling_whether_the_account_exists(
    ctx: Context, web: TestClient, make_account: MakeAccount
) -> None:
    an = make_account("an")
    answers = [_login(web, "an", f"wrong-{i}") for i in range(ctx.settings.login_max_failures)]
    assert all(r.status_code == 401 for r in answers)
    assert "Thông tin đăng nhập không đúng" in answers[0].text
    locked = _login(web, "an", an.password)  # the right password, too late
    assert locked.status_code == 429
    assert "Quá nhiều lần thử" in locked.text and "Too many failed attempts" in locked.text
    # A name that matches no account gets the same answers in the same order.
    ghost = [_login(web, "nobody", f"x-{i}") for i in range(ctx.settings.login_max_failures + 1)]
    assert [r.status_code for r in ghost] == [401] * 5 + [429]
    assert ghost[0].text.replace("nobody", "an").count("không đúng") == answers[0].text.count(
        "không đúng"
    )
    failed = audit_rows(ctx, "auth.login_failed")
    assert len(failed) == 10
    assert failed[0].actor == "an" and failed[0].data["address"] == "testclient"
    assert failed[-1].actor == "anonymous" and "nobody" not in str(failed[-1].data)
    assert [r.actor for r in audit_rows(ctx, "auth.login_locked")] == ["an", "anonymous"]
    assert audit_rows(ctx, "auth.login") == [] or all(
        r.actor != "an" for r in audit_rows(ctx, "auth.login")[1:]
    )


def test_a_replayed_totp_code_is_refused(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    an = make_account("an")
    code = an.code(clock)
    assert _login(web, "an", an.password).status_code == 303
    page = web.get("/admin/login/code")
    ok = web.post("/admin/login/code", data={"code": code, "csrf_token": csrf_of(page.text)})
    assert ok.headers["location"] == "/admin/"
    # Same code again, inside its 90-second window, from a fresh sign-in.
    web.cookies.clear()
    assert _login(web, "an", an.password).status_code == 303
    page = web.get("/admin/login/code")
    again = web.post("/admin/login/code", data={"code": code, "csrf_token": csrf_of(page.text)})
    assert again.status_code == 401 and "đã dùng" in again.text
    assert audit_rows(ctx, "auth.login_failed")[-1].data["reason"] == "totp replayed"
    # One step of drift is accepted; two are not.
    clock.step(3)
    early = pyotp.TOTP(an.secret).at(clock.now + 60)
    refused = web.post("/admin/login/code", data={"code": early, "csrf_token": csrf_of(page.text)})
    assert refused.status_code == 401
    assert audit_rows(ctx, "auth.login_failed")[-1].data["reason"] == "totp"
    late = pyotp.TOTP(an.secret).at(clock.now - 30)
    accepted = web.post("/admin/login/code", data={"code": late, "csrf_token": csrf_of(page.text)})
    assert accepted.headers["location"] == "/admin/"


def test_a_session_id_from_before_sign_in_is_dead_after_it(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    an = make_account("an")
    web.get("/admin/login")
    planted = web.cookies[
        "loa_session"
    ]  # what an attacker could have fixed in the victim's browser
    sign_in(web, an, clock)
    mine = web.cookies["loa_session"]
    assert mine != planted
    assert web.get("/admin/").status_code == 200
    attacker = TestClient(web.app, cookies={"loa_session": planted}, follow_redirects=False)
    assert attacker.get("/admin/").headers["location"] == "/admin/login"
    api = attacker.post("/api/graphql", json=ME)
    assert (
        api.status_code == 401
        and api.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    )
    reused = audit_rows(ctx, "auth.session_reused")
    assert len(reused) == 2 and {r.data["via"] for r in reused} == {"admin", "api"}


def test_nothing_is_allowed_before_the_second_factor(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    an = make_account("an", role="admin", unit="VN")
    assert _login(web, "an", an.password).status_code == 303
    assert web.get("/admin/").headers["location"] == "/admin/login/code"
    page = web.get("/admin/login/code")
    r = web.post(
        "/admin/tokens",
        data={"name": "x", "scopes": "read", "days": "1", "csrf_token": csrf_of(page.text)},
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin/login/code"
    for request in (
        lambda: web.get("/api/graphql", params=ME),
        lambda: web.post("/api/graphql", json=ME),
    ):
        response = request()
        assert response.status_code == 401
        assert response.json()["errors"][0]["message"] == "finish two-factor sign-in first"
    refused = audit_rows(ctx, "auth.refused")
    assert len(refused) == 2 and refused[0].actor == "an"
    assert refused[0].data["reason"] == "second factor not done"


def test_a_form_or_api_post_without_the_csrf_token_is_refused(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    an = make_account("an")
    web.get("/admin/login")
    r = web.post("/admin/login", data={"username": "an", "password": an.password})
    assert r.status_code == 403 and "CSRF" in r.text
    r = web.post(
        "/admin/login", data={"username": "an", "password": an.password, "csrf_token": "forged"}
    )
    assert r.status_code == 403
    sign_in(web, an, clock)
    home = web.get("/admin/")
    for path in ("/admin/tokens", "/admin/logout", "/admin/logout-everywhere"):
        assert web.post(path, data={"name": "x"}).status_code == 403
    api = web.post("/api/graphql", json=ME)
    assert api.status_code == 403 and api.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    ok = web.post("/api/graphql", json=ME, headers={"X-CSRF-Token": csrf_of(home.text)})
    assert ok.json() == {"data": {"me": {"username": "an"}}}
    assert web.get("/api/graphql", params=ME).status_code == 200  # reads need no token
    refused = audit_rows(ctx, "auth.csrf_refused")
    assert len(refused) == 6
    assert refused[-1].data == {"address": "testclient", "via": "api"} and refused[-1].actor == "an"


def test_enrolment_from_the_printed_link(
    ctx: Context, web: TestClient, tree: Any, clock: Clock
) -> None:
    env = {
        "LOA_DATABASE_URL": ctx.settings.database_url,
        "LOA_SECRET_KEYS": ctx.settings.secret_keys[0].reveal(),
        "LOA_VAR_DIR": str(ctx.settings.var_dir),
        "LOA_BASE_URL": "http://testserver",
        **({"LOA_REDIS_URL": ctx.settings.redis_url} if ctx.settings.redis_url else {}),
    }
    out = CliRunner().invoke(
        main, ["user", "create", "chi", "--unit", "38", "--role", "admin"], env=env
    )
    assert out.exit_code == 0, out.output
    link = re.search(r"http://testserver(/admin/enrol/\S+)", out.output)
    assert link and "password" not in out.output.lower()
    form = web.get(link.group(1))
    assert form.status_code == 200 and "chi" in form.text
    short = web.post(
        link.group(1),
        data={"password": "abc", "password2": "abc", "csrf_token": csrf_of(form.text)},
    )
    assert short.status_code == 400 and "ít nhất 8" in short.text
    common = web.post(
        link.group(1),
        data={
            "password": "password123",
            "password2": "password123",
            "csrf_token": csrf_of(form.text),
        },
    )
    assert common.status_code == 400 and "phổ biến" in common.text
    done = web.post(
        link.group(1),
        data={"password": PASSWORD, "password2": PASSWORD, "csrf_token": csrf_of(form.text)},
    )
    assert done.headers["location"] == "/admin/enrol"
    # Until the app is enrolled, the account can do nothing else.
    assert web.get("/admin/").headers["location"] == "/admin/enrol"
    assert web.post("/api/graphql", json=ME).status_code == 401
    page = web.get("/admin/enrol")
    assert "<svg" in page.text and page.headers["cache-control"] == "no-store"
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page.text).group(1).replace(" ", "")
    wrong = web.post("/admin/enrol", data={"code": "000000", "csrf_token": csrf_of(page.text)})
    assert wrong.status_code == 400
    ok = web.post(
        "/admin/enrol",
        data={"code": pyotp.TOTP(key).at(clock.now), "csrf_token": csrf_of(page.text)},
    )
    assert ok.headers["location"] == "/admin/enrol/codes"
    codes_page = web.get("/admin/enrol/codes")
    codes = re.findall(r"<code>([a-z0-9-]{19})</code>", codes_page.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert web.get("/admin/enrol/codes").headers["location"] == "/admin/"  # shown once
    home = web.get("/admin/")
    assert home.status_code == 200 and 'id="username">chi<' in home.text
    # The link works once.
    assert web.get(link.group(1)).status_code == 404
    assert [r.action for r in audit_rows(ctx, "auth.enrol")] == ["auth.enrol"]
    assert audit_rows(ctx, "auth.enrol_link_used")[0].unit_path  # visible to admins of Thanh Hóa


def test_a_recovery_code_signs_in_once(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    an = make_account("an")
    code = an.recovery[0]
    for attempt in range(2):
        web.cookies.clear()
        assert _login(web, "an", an.password).status_code == 303
        page = web.get("/admin/login/recovery")
        r = web.post(
            "/admin/login/recovery", data={"code": code.upper(), "csrf_token": csrf_of(page.text)}
        )
        if attempt == 0:
            assert r.headers["location"] == "/admin/"
            assert web.get("/admin/").status_code == 200
        else:
            assert r.status_code == 401 and "đã dùng" in r.text
    ok = audit_rows(ctx, "auth.login")[-1]
    assert ok.data["factor"] == "recovery code" and ok.data["recovery_codes_left"] == 9


def test_sign_out_everywhere_ends_every_session(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    an = make_account("an")
    sign_in(web, an, clock)
    other = TestClient(web.app, follow_redirects=False)
    sign_in(other, an, clock)
    home = web.get("/admin/")
    r = web.post("/admin/logout-everywhere", data={"csrf_token": csrf_of(home.text)})
    assert r.headers["location"] == "/admin/login"
    assert other.get("/admin/").headers["location"] == "/admin/login"
    assert audit_rows(ctx, "auth.logout_everywhere")[0].data["sessions"] == 2


def test_cookie_and_headers(ctx: Context, web: TestClient) -> None:
    r = web.get("/admin/login")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert r.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
    assert 'lang="vi"' in r.text and "Sign in" in r.text
