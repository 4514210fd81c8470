"""Units add their own terms and allowlist entries; they cover descendants and apply at once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.actions import content as actions
from core.actions import screening
from core.audit import AuditEntry
from core.auth.models import Role
from core.auth.permissions import SYSTEM, Actor, Grant
from core.errors import Conflict, Forbidden, ValidationFailed
from core.moderation import moderate
from core.screening.lexicons import unit_lexicon

TERM = {"term": "cán bộ lười", "category": "insult", "severity": 1, "flags": "strip_ok"}


def admin(tree: dict[str, Any], code: str) -> Actor:
    return Actor(name=f"admin-{code}", grants=(Grant(Role.ADMIN, tree[code].path),))


def lexicon_of(ctx: Any, tree: dict[str, Any], code: str) -> Any:
    with ctx.sessions() as session:
        return unit_lexicon(session, tree[code].id)


def test_a_province_term_covers_its_communes_only(ctx: Any, tree: dict[str, Any]) -> None:
    text = "can bo luoi qua"
    assert moderate(text, lexicon_of(ctx, tree, "14932")).decision == "allow"
    row = screening.add_term(ctx, admin(tree, "38"), "38", TERM)
    assert moderate(text, lexicon_of(ctx, tree, "14932")).decision == "review"
    assert moderate(text, lexicon_of(ctx, tree, "38")).decision == "review"
    assert moderate(text, lexicon_of(ctx, tree, "00004")).decision == "allow"  # Hà Nội
    # an item of the commune is held at save
    article = actions.create(
        ctx, SYSTEM, {"title": "Phản ánh: cán bộ lười tiếp dân", "unit_code": "14932"}
    )
    assert article.moderation == "review"
    assert article.moderation_spans[0]["term"] == "cán bộ lười"
    screening.remove_term(ctx, admin(tree, "38"), row.id)
    assert moderate(text, lexicon_of(ctx, tree, "14932")).decision == "allow"
    with ctx.sessions() as session:
        audited = session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.subject_type == "unit_term")
            .order_by(AuditEntry.id)
        ).all()
    assert audited == ["lexicon.add", "lexicon.remove"]


def test_an_allowlist_entry_lets_a_local_name_through(ctx: Any, tree: dict[str, Any]) -> None:
    text = "Hội nghị tại thôn Phản Động Thượng"  # a made-up place name that looks sensitive
    assert moderate(text, lexicon_of(ctx, tree, "14950")).decision == "review"
    screening.add_term(
        ctx, admin(tree, "14950"), "14950", {"kind": "allow", "term": "Phản Động Thượng"}
    )
    assert moderate(text, lexicon_of(ctx, tree, "14950")).decision == "allow"
    assert moderate(text, lexicon_of(ctx, tree, "14932")).decision == "review"  # a sibling


def test_only_an_admin_of_the_unit_manages_its_terms(ctx: Any, tree: dict[str, Any]) -> None:
    editor = Actor(name="bientap", grants=(Grant(Role.EDITOR, tree["38"].path),))
    approver = Actor(name="duyet", grants=(Grant(Role.APPROVER, tree["38"].path),))
    for actor in (editor, approver, admin(tree, "14932")):
        with pytest.raises(Forbidden):
            screening.add_term(ctx, actor, "38", TERM)
    row = screening.add_term(ctx, admin(tree, "38"), "14932", TERM)  # from above: allowed
    with pytest.raises(Forbidden):
        screening.remove_term(ctx, admin(tree, "14950"), row.id)
    listed = screening.list_terms(ctx, editor, "14932")
    assert [(t.term, code) for t, code in listed] == [("cán bộ lười", "14932")]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"term": "", "category": "insult", "severity": 1}, "term"),
        ({"term": "x", "category": "rude", "severity": 1}, "category"),
        ({"term": "x", "category": "insult", "severity": 4}, "severity"),
        ({"term": "x", "category": "insult", "severity": 1, "flags": "loud"}, "flags"),
        ({"term": "xấu", "category": "insult", "severity": 1, "flags": "context"}, "term"),
        ({"kind": "deny", "term": "x"}, "kind"),
    ],
)
def test_bad_entries_are_refused(
    ctx: Any, tree: dict[str, Any], data: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        screening.add_term(ctx, admin(tree, "38"), "38", data)
    assert field in refused.value.fields


def test_a_duplicate_is_a_conflict(ctx: Any, tree: dict[str, Any]) -> None:
    screening.add_term(ctx, admin(tree, "38"), "38", TERM)
    with pytest.raises(Conflict):
        screening.add_term(ctx, admin(tree, "38"), "38", {**TERM, "term": " cán  bộ lười "})
