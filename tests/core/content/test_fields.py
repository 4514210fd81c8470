"""The article's fields are declared once (core.content.fields) and every list reads them."""

from __future__ import annotations

import datetime as dt

from core.content.fields import (
    ARTICLE_FIELDS,
    AUDIENCE_FIELDS,
    AUDIENCE_NOT_REVISED,
    NOT_REVISED,
    Aspect,
    of_aspect,
)
from core.content.models import Article, Audience
from core.content.snapshots import snapshot
from core.workflow.steps import aspect_hashes


def _article() -> Article:
    when = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    return Article(
        title="Thông báo lịch tiếp dân",
        slug="thong-bao",
        summary="Tóm tắt",
        body_html="<p>Nội dung</p>",
        unit_id=1,
        kind="article",
        topic="law",
        justification="",
        audience=Audience(genders=[], scope_units=["14932"], visible_from=when),
    )


def test_the_declaration_is_exactly_what_a_revision_snapshot_holds() -> None:
    data = snapshot(_article())
    assert set(data) == {f.name for f in ARTICLE_FIELDS} | {"audience"}
    assert set(data["audience"]) == set(AUDIENCE_FIELDS)
    assert data["audience"]["visible_from"] == "2026-12-01T08:00:00+00:00"


def test_every_column_is_declared_or_says_why_no_revision_holds_it() -> None:
    declared = {f.name for f in ARTICLE_FIELDS}
    columns = {c.name for c in Article.__table__.columns}
    assert not declared & set(NOT_REVISED)
    assert columns == declared | set(NOT_REVISED)
    audience = {c.name for c in Audience.__table__.columns}
    assert audience == set(AUDIENCE_FIELDS) | set(AUDIENCE_NOT_REVISED)


def test_an_edit_changes_only_the_hash_of_the_aspect_its_field_belongs_to() -> None:
    base = snapshot(_article())
    before = aspect_hashes(base)
    for field in ARTICLE_FIELDS:
        after = aspect_hashes({**base, field.name: "đổi"})
        changed = {a for a in before if before[a] != after[a]}
        assert changed == ({field.aspect.value} if field.aspect else set()), field.name
    wider = {**base, "audience": {**base["audience"], "scope_units": ["38"]}}
    assert {a for a, h in aspect_hashes(wider).items() if h != before[a]} == {"audience"}
    assert "title" in of_aspect(Aspect.CONTENT) and "topic" in of_aspect(Aspect.AUDIENCE)
