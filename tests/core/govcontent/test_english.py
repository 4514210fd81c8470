"""English versions (42 Art. 7(2), C8): the profile's organisation and functions and the
directory's contacts carry English, in the API, flagged stale when the Vietnamese changes."""

from __future__ import annotations

from core.auth.permissions import SYSTEM
from core.govcontent import directory, editing
from core.govcontent.profile import PROFILE

SAVE = """
mutation($input: UnitProfileInput!) { saveUnitProfile(unit: "14932", input: $input) {
  __typename ... on UnitProfileResult { profile { id functionsEn englishStale } }
} }"""
READ = """{ unitProfile(unit: "14932") { functions functionsEn introductionEn englishStale }
  directory(unit: "14932") { title titleEn bodyEn englishStale } }"""


def test_profile_and_contacts_in_english_go_stale_when_the_vietnamese_changes(
    ctx, gql, admin_token
):
    saved = gql(
        SAVE,
        admin_token,
        input={
            "functions": "<p>Quản lý nhà nước trên địa bàn xã</p>",
            "functionsEn": "<p>State management within the commune</p><script>x</script>",
            "introductionEn": "<p>Cam Thuy commune lies on the Ma river.</p>",
        },
    )["data"]["saveUnitProfile"]
    assert saved["profile"] == {
        "id": saved["profile"]["id"],
        "functionsEn": "<p>State management within the commune</p>",
        "englishStale": False,
    }
    editing.publish(ctx, SYSTEM, PROFILE, saved["profile"]["id"])
    entry = editing.save(
        ctx,
        SYSTEM,
        directory.KIND,
        {
            "group": "committee",
            "name": "Lê Văn Bình",
            "title": "Chủ tịch UBND xã",
            "title_en": "Chairman of the Commune People's Committee",
        },
        unit_code="14932",
    )
    editing.publish(ctx, SYSTEM, directory.KIND, entry.uid)
    public = gql(READ)["data"]
    assert public["unitProfile"]["functionsEn"] == "<p>State management within the commune</p>"
    assert public["directory"] == [
        {
            "title": "Chủ tịch UBND xã",
            "titleEn": "Chairman of the Commune People's Committee",
            "bodyEn": "",
            "englishStale": False,
        }
    ]
    # The Vietnamese changes, the English does not: both are flagged for re-translation.
    gql(SAVE, admin_token, input={"functions": "<p>Quản lý nhà nước; an ninh trật tự</p>"})
    editing.save(ctx, SYSTEM, directory.KIND, {"title": "Phó Chủ tịch"}, uid=entry.uid)
    stale = gql(READ)["data"]
    assert stale["unitProfile"]["englishStale"] and stale["directory"][0]["englishStale"]
    # Saving the same Vietnamese again is no change; writing the English clears the flag.
    gql(SAVE, admin_token, input={"functionsEn": "<p>State management; public order</p>"})
    assert not gql(READ)["data"]["unitProfile"]["englishStale"]
    gql(SAVE, admin_token, input={"functions": "<p>Quản lý nhà nước; an ninh trật tự</p>"})
    assert not gql(READ)["data"]["unitProfile"]["englishStale"]
