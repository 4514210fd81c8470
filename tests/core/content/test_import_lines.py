"""``loa import``: every line stands alone, whatever is wrong with it (reliability issue 9, #10).

Run on SQLite and on PostgreSQL (CI names it): over-long values must be refused by
validation, before PostgreSQL's ``DataError`` could roll back the good lines of a batch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from core.actions import importer
from core.actions.importer import import_jsonl
from core.auth.permissions import SYSTEM
from core.cli import main
from core.content.models import Article, Category
from core.context import Context
from tests.core.test_audit import cli_env

POST = {
    "title": "Thông báo lịch tiếp công dân",
    "summary": "Lịch tiếp công dân tháng 7.",
    "body_html": "<p>Nội dung</p>",
    "status": "published",
    "published_at": "2025-07-01T08:00:00+07:00",
    "unit_code": "14932",
}


def post(n: int, **fields: Any) -> dict[str, Any]:
    return {**POST, "title": f"{POST['title']} số {n}", "slug": f"bai-{n}", **fields}


def line(row: dict[str, Any]) -> bytes:
    return json.dumps(row, ensure_ascii=False).encode("utf-8")


def run(ctx: Context, path: Path) -> Any:
    return CliRunner().invoke(main, ["import", str(path)], env=cli_env(ctx))


def slugs(ctx: Context) -> list[str]:
    with ctx.sessions() as session:
        return sorted(session.scalars(select(Article.slug).order_by(Article.id)))


def test_a_line_of_invalid_utf8_is_reported_and_the_rest_load(
    ctx: Context, tree: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "posts.jsonl"
    rows = [line(post(1)), line(post(2))[:-5] + b'\xff\xfe"}', line(post(3)), line(post(4))]
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(rows) + b"\n")  # with a byte order mark
    first = run(ctx, path)
    assert "line 2: invalid input (line: not UTF-8" in first.output
    assert "imported 3, already present 0, bad 1" in first.output
    assert slugs(ctx) == ["bai-1", "bai-3", "bai-4"]
    again = run(ctx, path)  # the rerun goes past the bad line too
    assert "imported 0, already present 3, bad 1" in again.output


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"category": "C" * 201}, "category: at most 200 characters"),
        (
            {"cover_image_url": "https://img.example/a.jpg", "cover_caption": "c" * 501},
            "cover_caption: at most 500 characters",
        ),
        (
            {"cover_image_url": "https://img.example/" + "a" * 1000, "cover_caption": "c"},
            "cover_url: at most 1000 characters",
        ),
        ({"title": "t" * 501}, "title: at most 500 characters"),
        ({"source": "s" * 501}, "source: at most 500 characters"),
        ({"title": "Nul \u0000 byte"}, "title: contains a character that cannot be stored"),
        ({"category": "Nul \u0000"}, "category: contains a character that cannot be stored"),
    ],
)
def test_over_long_values_are_refused_by_validation_and_spare_the_batch(
    ctx: Context, tree: dict[str, Any], fields: dict[str, Any], error: str
) -> None:
    lines = [line(post(1)), line(post(2, **fields)), line(post(3))]
    report = import_jsonl(ctx, SYSTEM, lines)
    assert [n for n, _ in report.errors] == [2]
    assert error in report.errors[0][1]
    assert report.created == 2
    assert slugs(ctx) == ["bai-1", "bai-3"]


def test_a_slug_repeated_in_one_file_gets_a_suffix_and_a_rerun_changes_nothing(
    ctx: Context, tree: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "posts.jsonl"
    rows = [post(1), post(2, slug="bai-1"), post(3, slug="bai-1"), post(4, slug="bai-1-2")]
    path.write_bytes(b"\n".join(line(r) for r in rows))
    first = run(ctx, path)
    assert first.exit_code == 0, first.output
    assert "line 2: slug 'bai-1' repeats an earlier line: imported as 'bai-1-2'" in first.output
    assert "imported 4, already present 0, bad 0" in first.output
    assert slugs(ctx) == ["bai-1", "bai-1-2", "bai-1-2-2", "bai-1-3"]
    with ctx.sessions() as session:
        second = session.scalar(select(Article).where(Article.slug == "bai-1-2"))
        assert second is not None and second.title == rows[1]["title"]
    again = run(ctx, path)
    assert "imported 0, already present 4, bad 0" in again.output


def test_titles_without_word_characters_get_slugs_of_their_own(
    ctx: Context, tree: dict[str, Any]
) -> None:
    rows = [
        {**POST, "title": "!!!"},
        {**POST, "title": "???"},
        {**POST, "title": "!!!", "published_at": "2025-07-02T08:00:00+07:00"},
        {**POST, "title": "★ ★ ★"},
    ]
    report = import_jsonl(ctx, SYSTEM, [json.dumps(r) for r in rows])
    assert (report.created, report.skipped, report.errors) == (4, 0, [])
    made = slugs(ctx)
    assert len(set(made)) == 4 and all(s.startswith("bai-viet-") for s in made)
    again = import_jsonl(ctx, SYSTEM, [json.dumps(r) for r in rows])
    assert (again.created, again.skipped) == (0, 4)


def test_a_line_the_database_refuses_rolls_back_only_itself(
    ctx: Context, tree: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The savepoint per line: a refusal validation missed costs that line, not its batch."""
    store = importer._store

    def refusing(session: Any, actor: Any, unit: Any, data: dict[str, Any], *rest: Any) -> None:
        store(session, actor, unit, data, *rest)
        if data["slug"] == "bai-2":
            session.add(Category(slug="tin-tuc", name="a second category with a taken slug"))
            session.flush()  # IntegrityError (unique slug), on every database

    monkeypatch.setattr(importer, "_store", refusing)
    lines = [
        line(post(1, category="Tin tức")),
        line(post(2, category="Sự kiện")),
        line(post(3, category="Sự kiện")),
    ]
    report = import_jsonl(ctx, SYSTEM, lines)
    assert report.errors == [(2, "refused by the database (IntegrityError)")]
    assert report.created == 2
    assert slugs(ctx) == ["bai-1", "bai-3"]
    with ctx.sessions() as session:
        names = sorted(session.scalars(select(Category.name).order_by(Category.id)))
        assert names == ["Sự kiện", "Tin tức"]  # line 2's category went with it; line 3 made it
        assert session.scalar(select(func.count()).select_from(Article)) == 2


def test_every_line_is_reported_by_number_whatever_is_wrong(
    ctx: Context, tree: dict[str, Any]
) -> None:
    lines = [
        "[" * 100_000,  # nested too deeply for the JSON parser
        "42",
        json.dumps({**POST, "published_at": 12}),
        json.dumps({**POST, "title": {"nested": "object"}, "slug": "obj"}),
        json.dumps(post(5)),
    ]
    report = import_jsonl(ctx, SYSTEM, lines)
    assert [n for n, _ in report.errors] == [1, 2, 3]
    assert report.created == 2
