"""The channel admin's screen through its pages: the targets of my units with their health,
adding one from the channel's own settings form (secrets write-only, a fresh code, errors
by field in Vietnamese), testing the connection, disabling, re-pointing and deleting; another
unit's target is refused; a form without its CSRF token changes nothing."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from core.actions import content, target_reads
from core.auth.permissions import SYSTEM
from core.context import Context
from tests.core.auth.conftest import Account, Clock, MakeAccount, audit_rows, csrf_of, sign_in
from tests.security.test_csp import assert_page_loads_only_loa
from tests.support.pipeline import COMMUNE, SECRET

OTHER_SECRET = "whsec_" + "b3RoZXItcG9ydGFsLXNlY3JldC0xMjM0NTY3ODkwMTI="


def _channel_admin(web: TestClient, make_account: MakeAccount, clock: Clock) -> Account:
    account = make_account("quan-tri-kenh", role="channel_admin", unit=COMMUNE)
    sign_in(web, account, clock)
    return account


def _post(web: TestClient, path: str, data: dict[str, str], page: str | None = None) -> Any:
    form = web.get(page or path)
    return web.post(path, data={**data, "csrf_token": csrf_of(form.text)})


def _add(web: TestClient, sandbox: Any, code: str, **extra: str) -> Any:
    data = {
        "plugin": "portal",
        "name": "Cổng xã",
        "unit_code": COMMUNE,
        "s_webhook_url": f"{sandbox.url}/sites/{COMMUNE}/webhook",
        "k_webhook_secret": SECRET,
        "enabled": "on",
        "code": code,
        **extra,
    }
    return _post(web, "/admin/channels/new", data, "/admin/channels/new?plugin=portal")


def test_the_form_comes_from_the_channels_schema_and_the_secret_is_never_echoed(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, sandbox: Any
) -> None:
    account = _channel_admin(web, make_account, clock)
    choose = web.get("/admin/channels/new")
    assert 'data-plugin="portal"' in choose.text and 'data-plugin="testchannel"' in choose.text
    form = web.get("/admin/channels/new?plugin=portal")
    assert_page_loads_only_loa(web, form)
    assert 'type="url" id="s_webhook_url"' in form.text
    assert 'type="password" id="k_webhook_secret"' in form.text
    answer = _add(web, sandbox, account.code(clock))
    assert answer.status_code == 303, answer.text
    page = web.get(answer.headers["location"])
    assert page.status_code == 200
    assert SECRET not in page.text and SECRET not in web.get("/admin/channels").text
    assert 'id="state-webhook_secret">đã đặt' in page.text
    assert 'id="state-webhook_secret_next">chưa đặt' in page.text
    assert [r.data["secrets"] for r in audit_rows(ctx, "target.create")] == [["webhook_secret"]]


def test_adding_without_a_fresh_code_is_refused_and_the_secret_not_sent_back(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, sandbox: Any
) -> None:
    _channel_admin(web, make_account, clock)
    answer = _add(web, sandbox, "")
    assert answer.status_code == 400
    assert "Cần mã xác thực mới" in answer.text
    assert SECRET not in answer.text
    assert f"{sandbox.url}/sites/{COMMUNE}/webhook" in answer.text  # the rest is kept
    wrong = _add(web, sandbox, "000000")
    assert wrong.status_code == 400 and "Mã xác thực không đúng" in wrong.text
    assert target_reads.target_views(ctx, SYSTEM) == []


def test_validation_errors_come_back_by_field_in_vietnamese(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, sandbox: Any
) -> None:
    account = _channel_admin(web, make_account, clock)
    missing = _add(web, sandbox, account.code(clock), name="", s_webhook_url="ftp://x")
    assert missing.status_code == 400
    assert 'id="err-name">Trường này bắt buộc.' in missing.text
    assert 'id="err-s_webhook_url">Phải là địa chỉ http(s) đầy đủ.' in missing.text
    clock.step()
    bad_secret = _add(web, sandbox, account.code(clock), k_webhook_secret="not-a-secret")
    assert bad_secret.status_code == 400
    assert 'id="err-k_webhook_secret">' in bad_secret.text  # the plugin's message, placed
    assert "not-a-secret" not in bad_secret.text
    assert target_reads.target_views(ctx, SYSTEM) == []


def test_test_disable_enable_and_the_list_shows_health(
    ctx: Context,
    web: TestClient,
    make_account: MakeAccount,
    clock: Clock,
    portal_target: Any,
) -> None:
    _channel_admin(web, make_account, clock)
    path = f"/admin/channels/{portal_target.id}"
    tested = _post(web, f"{path}/test", {}, path)
    assert tested.status_code == 200
    assert 'id="check-result" class="note"' in tested.text
    assert 'data-health="ok"' in tested.text
    assert "Hoạt động tốt" in web.get("/admin/channels").text
    off = _post(web, f"{path}/enabled", {"enabled": "0"}, path)
    assert off.status_code == 303
    assert not target_reads.target_detail(ctx, SYSTEM, portal_target.id).view.enabled
    on = _post(web, f"{path}/enabled", {"enabled": "1"}, path)
    assert on.status_code == 303
    assert target_reads.target_detail(ctx, SYSTEM, portal_target.id).view.enabled


def test_re_pointing_needs_a_code_and_new_secrets(
    ctx: Context,
    web: TestClient,
    make_account: MakeAccount,
    clock: Clock,
    portal_target: Any,
    sandbox: Any,
) -> None:
    account = _channel_admin(web, make_account, clock)
    path = f"/admin/channels/{portal_target.id}"
    moved = {"name": "Cổng xã", "s_webhook_url": f"{sandbox.url}/sites/14950/webhook"}
    refused = _post(web, path, moved, path)
    assert refused.status_code == 400 and "Cần mã xác thực mới" in refused.text
    assert 'value="' + moved["s_webhook_url"] + '"' in refused.text  # what was typed stays
    no_secret = _post(web, path, {**moved, "code": account.code(clock)}, path)
    clock.step()
    assert no_secret.status_code == 400
    assert "khoá cũ thuộc nơi cũ" in no_secret.text
    done = _post(
        web, path, {**moved, "k_webhook_secret": OTHER_SECRET, "code": account.code(clock)}, path
    )
    assert done.status_code == 303, done.text
    view = target_reads.target_detail(ctx, SYSTEM, portal_target.id).view
    assert view.settings["webhook_url"].endswith("/sites/14950/webhook")
    assert view.secrets_set == ("webhook_secret",)


def test_delete_needs_a_code_and_a_used_target_is_kept(
    ctx: Context,
    web: TestClient,
    make_account: MakeAccount,
    clock: Clock,
    portal_target: Any,
) -> None:
    account = _channel_admin(web, make_account, clock)
    path = f"/admin/channels/{portal_target.id}"
    content.create(
        ctx, SYSTEM, {"title": "Thông báo", "unit_code": COMMUNE, "target_ids": [portal_target.id]}
    )
    used = _post(web, f"{path}/delete", {"code": account.code(clock)}, path)
    clock.step()
    assert used.status_code == 400 and "hãy tắt kênh" in used.text
    no_code = _post(web, f"{path}/delete", {}, path)
    assert no_code.status_code == 400 and "Cần mã xác thực mới" in no_code.text
    assert len(target_reads.target_views(ctx, SYSTEM)) == 1


def test_an_unused_target_is_deleted(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    account = _channel_admin(web, make_account, clock)
    path = f"/admin/channels/{portal_target.id}"
    gone = _post(web, f"{path}/delete", {"code": account.code(clock)}, path)
    assert gone.status_code == 303 and gone.headers["location"] == "/admin/channels?done=deleted"
    assert target_reads.target_views(ctx, SYSTEM) == []
    assert web.get(path).status_code == 404


def test_another_units_target_is_refused_and_audited(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    other = make_account("kenh-ha-noi", role="channel_admin", unit="00004")
    sign_in(web, other, clock)
    path = f"/admin/channels/{portal_target.id}"
    assert portal_target.name not in web.get("/admin/channels").text
    assert web.get(path).status_code == 403
    token = csrf_of(web.get("/admin/channels/new?plugin=portal").text)
    for tail in ("/test", "/enabled", "/delete"):
        answer = web.post(path + tail, data={"csrf_token": token, "enabled": "0"})
        assert answer.status_code == 403, (tail, answer.text)
    assert target_reads.target_detail(ctx, SYSTEM, portal_target.id).view.enabled
    assert audit_rows(ctx, "auth.forbidden")


def test_a_post_without_its_csrf_token_changes_nothing(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    _channel_admin(web, make_account, clock)
    path = f"/admin/channels/{portal_target.id}"
    answer = web.post(f"{path}/enabled", data={"enabled": "0"})
    assert answer.status_code == 403
    assert target_reads.target_detail(ctx, SYSTEM, portal_target.id).view.enabled


def test_a_channel_without_a_schema_gets_json_settings_and_secret_lines(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, tree: Any
) -> None:
    account = _channel_admin(web, make_account, clock)
    data = {
        "plugin": "testchannel",
        "name": "Kênh thử",
        "unit_code": COMMUNE,
        "settings_json": "{not json",
        "secrets_lines": "token=abc123secret",
        "code": account.code(clock),
    }
    page = "/admin/channels/new?plugin=testchannel"
    bad = _post(web, "/admin/channels/new", data, page)
    assert bad.status_code == 400
    assert 'id="err-settings_json">Phải là một đối tượng JSON.' in bad.text
    assert "abc123secret" not in bad.text
    good = _post(web, "/admin/channels/new", {**data, "settings_json": '{"append": "!"}'}, page)
    assert good.status_code == 303, good.text
    shown = web.get(good.headers["location"])
    assert "abc123secret" not in shown.text and "token" in shown.text


def test_connect_starts_the_consent_flow_with_a_fresh_code(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, tree: Any
) -> None:
    from core.actions import targets

    made = targets.create_target(
        ctx, SYSTEM, {"name": "Kênh thử", "plugin": "testchannel", "unit_code": COMMUNE}
    )
    account = _channel_admin(web, make_account, clock)
    path = f"/admin/channels/{made.id}"
    assert 'id="connect"' in web.get(path).text
    refused = _post(web, f"{path}/connect", {}, path)
    assert refused.status_code == 400 and "Cần mã xác thực mới" in refused.text
    started = _post(web, f"{path}/connect", {"code": account.code(clock)}, path)
    assert started.status_code == 200, started.text
    assert 'id="consent"' in started.text and "state=" in started.text
    assert "redirect_uri=http" in started.text  # the platform's page, with Loa's callback


def test_every_installed_channel_gets_its_own_form(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, tree: Any
) -> None:
    _channel_admin(web, make_account, clock)
    plugins = target_reads.plugins(ctx)
    assert {"portal", "facebook", "zalo", "youtube", "vneid"} <= {p.name for p in plugins}
    for plugin in plugins:
        page = web.get("/admin/channels/new", params={"plugin": plugin.name})
        assert page.status_code == 200, plugin.name
        kinds = {"secret": "password", "url": "url", "int": "number", "bool": "checkbox"}
        for f in plugin.schema or ():
            name = ("k_" if f.type == "secret" else "s_") + f.key
            if f.type == "enum":
                assert f'<select id="{name}"' in page.text, (plugin.name, name)
            else:
                assert f'type="{kinds.get(f.type, "text")}" id="{name}"' in page.text, name


def test_attention_notices_expiry_and_allowance_are_shown(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    import datetime as dt

    from core.actions import targets
    from core.connections.refresh import mark
    from core.contract.credentials import Health
    from core.targets.models import ChannelTarget

    notice = "Trang đang cho khách đăng bài (S4.4)"
    mark(ctx, portal_target.id, Health.ATTENTION, notice)
    with ctx.transaction() as session:
        row = session.get(ChannelTarget, portal_target.id)
        assert row is not None
        row.credentials_expire_at = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
    rationed = targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Kênh hạn mức",
            "plugin": "testquota",
            "unit_code": COMMUNE,
            "settings": {"daily_units": 5000},
        },
    )
    _channel_admin(web, make_account, clock)
    listing = web.get("/admin/channels").text
    assert notice in listing and "Cần chú ý" in listing and "01/12/2026 10:00" in listing
    page = web.get(f"/admin/channels/{portal_target.id}").text
    assert 'id="health-detail" role="note">' + notice in page
    assert 'id="allowance"' not in page  # the portal is not rationed
    quota = web.get(f"/admin/channels/{rationed.id}").text
    assert "quota_units: 5000" in quota
    row = listing.split(f'data-target="{rationed.id}"')[1].split("</tr>")[0]
    assert "quota_units: 5000" in row  # the list shows what is left too


def test_the_channel_pages_switch_to_english(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, portal_target: Any
) -> None:
    _channel_admin(web, make_account, clock)
    web.get("/admin/lang/en", params={"next": "/admin/channels"})
    for path in ("/admin/channels", f"/admin/channels/{portal_target.id}"):
        page = web.get(path)
        assert 'class="lang-en"' in page.text and "Channel target" in page.text, path
    assert "Test the connection" in web.get(f"/admin/channels/{portal_target.id}").text


def test_an_unticked_box_stays_unticked_after_an_error(
    ctx: Context, web: TestClient, make_account: MakeAccount, clock: Clock, tree: Any
) -> None:
    _channel_admin(web, make_account, clock)
    fresh = web.get("/admin/channels/new", params={"plugin": "facebook"}).text
    assert 'id="s_attribution_comment" name="s_attribution_comment" checked' in fresh
    data = {"plugin": "facebook", "name": "", "unit_code": COMMUNE, "s_page_id": "1"}
    back = _post(web, "/admin/channels/new", data, "/admin/channels/new?plugin=facebook")
    assert back.status_code == 400
    assert 'id="s_attribution_comment" name="s_attribution_comment">' in back.text
