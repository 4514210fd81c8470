"""The unit's profile: overview with sanitised HTML, org chart, the procedures link by the
unit's code (a province template reaching its communes) and the official channels list."""

from __future__ import annotations

from core.auth.permissions import SYSTEM
from core.govcontent import editing
from core.govcontent.profile import CHANNEL, PROFILE, save_profile

SAVE = """
mutation($input: UnitProfileInput!) { saveUnitProfile(unit: "14932", input: $input) {
  __typename ... on ValidationError { fields { field } }
  ... on UnitProfileResult { profile { id introduction state } }
} }"""
READ = """{ unitProfile(unit: "14932") {
  unit { code } introduction history functions proceduresUrl legalDocumentsUrl
  orgChart { alt url }
  officialChannels { platform platformName name url verifiedOn }
} }"""
CHANNEL_SAVE = """
mutation($input: OfficialChannelInput!) { saveOfficialChannel(unit: "14932", input: $input) {
  __typename ... on ValidationError { fields { field } }
  ... on OfficialChannelResult { channel { id } }
} }"""


def test_a_profile_with_its_chart_procedures_and_channels(ctx, gql, editor_token, upload):
    chart = upload("png", width=800, height=600, alt="Sơ đồ tổ chức UBND xã")
    saved = gql(
        SAVE,
        editor_token,
        input={
            "introduction": "<p>Xã Cẩm Thủy nằm bên sông Mã.</p><script>alert(1)</script>",
            "history": "<p>Thành lập năm 2025.</p>",
            "functions": "<ul><li>Quản lý nhà nước</li></ul>",
            "orgChart": chart.uid,
        },
    )["data"]["saveUnitProfile"]
    assert saved["__typename"] == "UnitProfileResult", saved
    assert "<script>" not in saved["profile"]["introduction"]  # sanitised
    again = gql(SAVE, editor_token, input={"history": "<p>Thành lập ngày 1/7/2025.</p>"})
    assert again["data"]["saveUnitProfile"]["profile"]["id"] == saved["profile"]["id"]  # one
    assert gql(READ)["data"]["unitProfile"] is None  # not published yet
    province = save_profile(
        ctx,
        SYSTEM,
        "38",
        {"procedures_url": "https://dichvucong.thanhhoa.gov.vn/thu-tuc?donvi={code}"},
    )
    editing.publish(ctx, SYSTEM, PROFILE, province.uid)
    editing.publish(ctx, SYSTEM, PROFILE, saved["profile"]["id"])
    for platform, name, url in (
        ("zalo", "UBND xã Cẩm Thủy", "https://zalo.me/camthuy"),
        ("facebook", "Trang tin xã Cẩm Thủy", "https://facebook.com/camthuy"),
    ):
        made = gql(
            CHANNEL_SAVE, editor_token, input={"platform": platform, "name": name, "url": url}
        )["data"]["saveOfficialChannel"]
        editing.publish(ctx, SYSTEM, CHANNEL, made["channel"]["id"])
    profile = gql(READ)["data"]["unitProfile"]
    assert profile["history"] == "<p>Thành lập ngày 1/7/2025.</p>"
    assert profile["proceduresUrl"] == "https://dichvucong.thanhhoa.gov.vn/thu-tuc?donvi=14932"
    assert profile["orgChart"]["alt"] == "Sơ đồ tổ chức UBND xã"
    assert "sig=" not in profile["orgChart"]["url"]  # public once the profile is
    # A platform Loa publishes to is named as its plugin declares it.
    assert [c["platformName"] for c in profile["officialChannels"]] == [
        "Zalo Official Account",
        "Facebook Page",
    ]
    listed = gql('{ officialChannels(unit: "14932") { url } }')["data"]["officialChannels"]
    assert [c["url"] for c in listed] == ["https://zalo.me/camthuy", "https://facebook.com/camthuy"]


def test_channels_need_a_known_platform_and_an_http_url(gql, editor_token):
    result = gql(
        CHANNEL_SAVE,
        editor_token,
        input={"platform": "myspace", "name": "X", "url": "javascript:alert(1)"},
    )["data"]["saveOfficialChannel"]
    assert {f["field"] for f in result["fields"]} == {"platform", "url"}
