"""What a unit must publish (C4) and the completeness report against it (C1): the public
Danh mục, the editors' report with what to do, and ``loa compliance --unit``."""

from __future__ import annotations

import datetime as dt

from click.testing import CliRunner

from core.actions import content as articles
from core.auth.permissions import SYSTEM
from core.cli import main
from core.db import utcnow
from core.demo import seed
from core.govcontent import completeness, directory, editing, menus, obligations, schedules
from core.govcontent.profile import PROFILE, save_profile
from core.govcontent.schedules import week_start
from core.units.lookups import unit_by_code
from tests.core.test_audit import cli_env
from tests.support.media import token_for

REPORT = """query($unit: String!) { complianceReport(unit: $unit) {
  unit { code } present total
  findings { key coverage count lastUpdated missing section categories } } }"""
PUBLIC = """{ disclosureList(unit: "14932") { key name nameEn source coverage count } }"""


def _findings(gql, token) -> dict[str, dict]:
    body = gql(REPORT, token, unit="14932")
    assert "errors" not in body, body
    report = body["data"]["complianceReport"]
    return {f["key"]: f for f in report["findings"]} | {"_": report}


def _publish(ctx, kind, data) -> None:
    row = editing.save(ctx, SYSTEM, kind, data, unit_code="14932")
    editing.publish(ctx, SYSTEM, kind, row.uid)


def test_an_empty_unit_lacks_everything_and_the_public_list_names_it_all(
    ctx, gql, web, editor_token
):
    empty = _findings(gql, editor_token)
    assert empty["_"]["present"] == 0 and empty["_"]["total"] == len(obligations.OBLIGATIONS)
    assert {f["coverage"] for k, f in empty.items() if k != "_"} == {"MISSING"}
    assert empty["legal_documents"]["missing"] == ["no published legal document"]
    assert empty["budget"]["categories"] == ["cong-khai-ngan-sach"]
    listed = gql(PUBLIC)["data"]["disclosureList"]
    assert [i["key"] for i in listed] == [o.key for o in obligations.OBLIGATIONS]
    budget = next(i for i in listed if i["key"] == "budget")
    assert budget["name"] == "Công khai ngân sách, tài chính, đầu tư công"
    assert budget["source"] == "TCTT Art. 17(1)" and budget["coverage"] == "MISSING"
    asked = web.post("/graphql", json={"query": '{ disclosureList(unit: "14932") { missing } }'})
    assert "Cannot query field 'missing'" in asked.text  # the editors' notes are not public


def test_the_report_follows_what_is_published(ctx, gql, editor_token, tree):
    save = save_profile(
        ctx,
        SYSTEM,
        "14932",
        {
            "introduction": "<p>Xã Cẩm Thủy</p>",
            "history": "<p>2025</p>",
            "functions": "<p>QLNN</p>",
        },
    )
    editing.publish(ctx, SYSTEM, PROFILE, save.uid)
    menus.seed_default_menu(ctx, SYSTEM, "14932")  # and the categories obligations name
    _publish(ctx, directory.KIND, {"group": "spokesperson", "name": "Trần Thị Hoa",
                                   "title": "Phó Chủ tịch", "phone": "0237 3876 002"})  # fmt: skip
    monday = week_start(None, utcnow()).astimezone(dt.UTC) + dt.timedelta(hours=1)
    _publish(ctx, schedules.KIND, {"kind": "reception", "person": "Chủ tịch UBND xã",
                                   "content": "Tiếp công dân định kỳ", "starts_at": monday,
                                   "ends_at": monday + dt.timedelta(hours=3)})  # fmt: skip
    data = {"title": "Công khai dự toán ngân sách 2027", "unit_code": "14932",
            "category": "cong-khai-ngan-sach", "summary": "", "body_html": ""}  # fmt: skip
    article = articles.create(ctx, SYSTEM, data)
    articles.approve(ctx, SYSTEM, article.id)
    draft = {**data, "title": "Kế hoạch đấu thầu (nháp)", "category": "dau-thau-mua-sam-cong"}
    articles.create(ctx, SYSTEM, draft)
    found = _findings(gql, editor_token)
    assert found["introduction"]["coverage"] == "PARTIAL"
    assert found["introduction"]["missing"] == ["the profile has no organisation chart"]
    assert found["contacts"]["coverage"] == "PARTIAL"
    assert found["contacts"]["missing"] == [
        "no người chịu trách nhiệm nội dung (content_responsible) in the directory"
    ]
    reception = found["reception_schedule"]
    assert reception["coverage"] == "PARTIAL" and reception["count"] == 1
    assert reception["missing"][0].startswith("no citizen reception slot next week")
    assert found["budget"]["coverage"] == "PRESENT" and found["budget"]["count"] == 1
    assert found["budget"]["lastUpdated"] is not None
    assert found["news"]["coverage"] == "PRESENT"  # any published article is news
    assert found["procurement"]["coverage"] == "MISSING"  # a draft does not count
    assert found["feedback"]["coverage"] == "PRESENT"  # the default menu has "Liên hệ góp ý"
    assert found["english"]["missing"] == [
        "the profile has no English introduction and functions",
        "contacts without English for their title or body: Trần Thị Hoa",
    ]
    outsider = token_for(ctx, "bientap-badinh", tree["00004"].id)
    refused = gql(REPORT, outsider, unit="14932")
    assert refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_the_cli_prints_the_report_and_fails_while_anything_lacks(ctx, tree):
    entry = {"group": "content_responsible", "name": "Lê Văn Bình", "title": "Chủ tịch"}
    _publish(ctx, directory.KIND, {**entry, "email": "lvb@thanhhoa.gov.vn"})
    result = CliRunner().invoke(main, ["compliance", "--unit", "14932"], env=cli_env(ctx))
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Xã Cẩm Thủy (14932): 0 of 16 published in full")
    assert "[part] Liên hệ, người phát ngôn" in result.output
    assert "- no người phát ngôn (spokesperson) in the directory" in result.output
    assert "[MISS] Văn bản quy phạm pháp luật" in result.output
    unknown = CliRunner().invoke(main, ["compliance", "--unit", "99999"], env=cli_env(ctx))
    assert unknown.exit_code == 1 and "99999" in unknown.output


def test_the_demo_commune_publishes_what_the_demo_has(ctx, tree, monkeypatch):
    monkeypatch.setattr("core.demo_media.video", lambda path: None)
    seed(ctx, photo_size=(480, 270))
    with ctx.sessions() as session:
        unit = unit_by_code(session, "14932")
        found = {f.obligation.key: f for f in completeness.report(session, unit, utcnow())}
    present = {k for k, f in found.items() if f.coverage is completeness.Coverage.PRESENT}
    assert {"legal_documents", "procedures", "feedback", "contacts", "official_channels",
            "english", "news"} <= present  # fmt: skip
    assert found["budget"].missing == ("no published article in category cong-khai-ngan-sach",)
