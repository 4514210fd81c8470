"""Diffs reviewers read: field by field, word by word in the body."""

from __future__ import annotations

from core.content.revisions import diff, words


def test_word_diff_keeps_tags_whole_and_marks_words() -> None:
    chunks = words("<p>Họp lúc 8 giờ</p>", "<p>Họp lúc 9 giờ sáng</p>")
    assert [(c.op, c.text) for c in chunks if c.op != "equal"] == [
        ("delete", "8"),
        ("insert", "9"),
        ("insert", " sáng"),
    ]
    assert "".join(c.text for c in chunks if c.op != "delete") == "<p>Họp lúc 9 giờ sáng</p>"
    assert "".join(c.text for c in chunks if c.op != "insert") == "<p>Họp lúc 8 giờ</p>"


def test_field_diff_lists_only_what_changed_including_nested_audience() -> None:
    before = {"title": "A", "summary": "x", "audience": {"age_min": None, "scope_level": "commune"}}
    after = {"title": "A", "summary": "y", "audience": {"age_min": 18, "scope_level": "commune"}}
    changes = {c.field: c for c in diff(before, after)}
    assert set(changes) == {"summary", "audience.age_min"}
    assert changes["audience.age_min"].before is None and changes["audience.age_min"].after == 18
    assert changes["summary"].words and not changes["audience.age_min"].words
