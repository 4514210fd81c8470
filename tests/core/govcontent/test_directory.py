"""The directory and the footer: contacts by group, checked e-mail and phone, "last verified"."""

from __future__ import annotations

import datetime as dt

from core.auth.permissions import SYSTEM
from core.govcontent import directory, editing

SAVE = """
mutation($input: DirectoryEntryInput!) { saveDirectoryEntry(unit: "14932", input: $input) {
  __typename ... on ValidationError { fields { field } }
  ... on DirectoryEntryResult { entry { id verifiedOn stale state } }
} }"""
LIST = """query($group: String) { directory(unit: "14932", group: $group) {
  name title phone email groupName body stale } }"""
FOOTER = (
    """{ portalFooter(unit: "14932") { unit { name } contentResponsible { name phone email } } }"""
)


def _entry(ctx, group: str, name: str, **more) -> None:
    data = {"group": group, "name": name, "title": "Chủ tịch", "phone": "0237 3876 001", **more}
    row = editing.save(ctx, SYSTEM, directory.KIND, data, unit_code="14932")
    editing.publish(ctx, SYSTEM, directory.KIND, row.uid)


def test_the_political_system_and_the_footer(ctx, gql, editor_token):
    saved = gql(
        SAVE,
        editor_token,
        input={
            "group": "party",
            "body": "Đảng ủy xã Cẩm Thủy",
            "name": "Phạm Văn Dũng",
            "title": "Bí thư Đảng ủy",
            "email": "PVDung@ThanhHoa.gov.vn",
        },
    )["data"]["saveDirectoryEntry"]
    assert saved["__typename"] == "DirectoryEntryResult"
    assert saved["entry"]["state"] == "DRAFT"
    assert saved["entry"]["verifiedOn"] == str(directory.today())  # checked as it is written
    _entry(ctx, "content_responsible", "Lê Thị Hoa", email="lthoa@thanhhoa.gov.vn")
    old = directory.today() - dt.timedelta(days=400)
    _entry(ctx, "council", "Nguyễn Văn Em", verified_on=old.isoformat())
    rows = gql(LIST)["data"]["directory"]
    assert [r["name"] for r in rows] == ["Lê Thị Hoa", "Nguyễn Văn Em"]  # the draft is not public
    assert {r["name"]: r["stale"] for r in rows} == {"Lê Thị Hoa": False, "Nguyễn Văn Em": True}
    assert gql(LIST, group="council")["data"]["directory"][0]["groupName"] == "Hội đồng nhân dân"
    footer = gql(FOOTER)["data"]["portalFooter"]
    assert footer["unit"]["name"] == "Xã Cẩm Thủy"
    assert footer["contentResponsible"] == [
        {"name": "Lê Thị Hoa", "phone": "0237 3876 001", "email": "lthoa@thanhhoa.gov.vn"}
    ]


def test_contacts_need_a_real_email_phone_and_group(gql, editor_token):
    result = gql(
        SAVE,
        editor_token,
        input={
            "group": "club",
            "name": "A",
            "title": "B",
            "phone": "gọi tôi",
            "email": "not-an-email",
            "verifiedOn": "2999-01-01",
        },
    )["data"]["saveDirectoryEntry"]
    assert {f["field"] for f in result["fields"]} == {"group", "phone", "email", "verifiedOn"}
