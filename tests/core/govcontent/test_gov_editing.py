"""The life every government content type shares: moderation at save, the board's hand on what
is live, withdrawal that keeps the row (C18), all in the audit log."""

from __future__ import annotations

from sqlalchemy import select

from core.audit import AuditEntry
from core.auth.permissions import SYSTEM
from core.govcontent import directory, editing
from core.govcontent.models import DirectoryEntry

SAVE = """
mutation($id: ID, $input: DirectoryEntryInput!) {
  saveDirectoryEntry(unit: "14932", id: $id, input: $input) {
    __typename ... on ModerationBlockedError { code spans { field text } }
    ... on ForbiddenError { message } ... on DirectoryEntryResult { entry { title state } }
  }
}"""
WITHDRAW = """
mutation($id: ID!) { withdrawGovContent(kind: DIRECTORY_ENTRY, id: $id, reason: "nghỉ hưu") {
  __typename ... on GovContentState { state } ... on TransitionError { message } } }"""
LIST = """{ directory(unit: "14932") { name title } }"""


def _live(ctx) -> str:
    data = {"group": "committee", "name": "Lê Văn Bình", "title": "Chủ tịch UBND"}
    row = editing.save(ctx, SYSTEM, directory.KIND, data, unit_code="14932")
    return str(editing.publish(ctx, SYSTEM, directory.KIND, row.uid).uid)


def test_blocked_text_is_refused_with_its_spans_and_nothing_is_saved(ctx, gql, editor_token):
    input = {"group": "officials", "name": "Nguyễn Văn A", "title": "đ.m cán bộ"}
    result = gql(SAVE, editor_token, input=input)["data"]["saveDirectoryEntry"]
    assert result["__typename"] == "ModerationBlockedError"
    assert result["spans"][0] == {"field": "title", "text": "đ.m"}
    with ctx.sessions() as session:
        assert session.scalars(select(DirectoryEntry).order_by(DirectoryEntry.id)).all() == []


def test_what_is_live_is_edited_by_the_board_only(ctx, gql, editor_token, admin_token):
    uid = _live(ctx)
    refused = gql(SAVE, editor_token, id=uid, input={"title": "Nguyên Chủ tịch"})
    assert refused["data"]["saveDirectoryEntry"]["__typename"] == "ForbiddenError"
    done = gql(SAVE, admin_token, id=uid, input={"title": "Chủ tịch UBND xã"})
    assert done["data"]["saveDirectoryEntry"]["entry"] == {
        "title": "Chủ tịch UBND xã",
        "state": "PUBLISHED",
    }
    assert gql(LIST)["data"]["directory"][0]["title"] == "Chủ tịch UBND xã"


def test_withdrawing_hides_the_row_keeps_it_and_is_audited(ctx, gql, admin_token):
    uid = _live(ctx)
    assert gql(WITHDRAW, admin_token, id=uid)["data"]["withdrawGovContent"] == {
        "__typename": "GovContentState",
        "state": "WITHDRAWN",
    }
    assert gql(LIST)["data"]["directory"] == []
    twice = gql(WITHDRAW, admin_token, id=uid)["data"]["withdrawGovContent"]
    assert twice["__typename"] == "TransitionError"
    with ctx.sessions() as session:
        assert session.scalar(select(DirectoryEntry.name)) == "Lê Văn Bình"  # never deleted
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "directory_entry.withdraw")
        )
    assert entry is not None and entry.data["reason"] == "nghỉ hưu"
    editing.publish(ctx, SYSTEM, directory.KIND, uid)
    assert len(gql(LIST)["data"]["directory"]) == 1
