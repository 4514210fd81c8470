"""``loa import``: bad lines reported by number, good lines loaded, a rerun changes nothing."""

from __future__ import annotations

import json

from click.testing import CliRunner
from sqlalchemy import func, select

from core.cli import main
from core.content.models import Article, Category
from tests.core.test_audit import cli_env

GOOD = {
    "title": "Quyết định về việc công bố thủ tục hành chính",
    "slug": "quyet-dinh-cong-bo-tthc",
    "summary": "Công bố danh mục thủ tục hành chính mới.",
    "body_html": "<p>Nội dung</p><script>alert(1)</script>",
    "status": "published",
    "published_at": "2025-03-01T08:00:00+07:00",
    "category": "Văn bản pháp luật",
    "unit_code": "14932",
    "cover_caption": "Trụ sở UBND xã",
    "source": "Cổng TTĐT xã Cẩm Thủy",
}


def write_lines(path, rows) -> None:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
        encoding="utf-8",
    )


def test_import_reports_bad_lines_and_is_safe_to_rerun(ctx, tree, tmp_path) -> None:
    second = {**GOOD, "slug": "bai-2", "title": "Bài 2", "category": "van-ban-phap-luat"}
    rows = [
        GOOD,
        "{not json",
        {**GOOD, "slug": "x", "title": ""},
        {**GOOD, "slug": "y", "unit_code": "99999"},
        {**GOOD, "slug": "z", "cover_image_url": "https://example.org/a.jpg", "cover_caption": ""},
        second,
    ]
    path = tmp_path / "posts.jsonl"
    write_lines(path, rows)
    result = CliRunner().invoke(main, ["import", str(path)], env=cli_env(ctx))
    assert result.exit_code == 1
    assert "line 2: " in result.output and "line 3: " in result.output
    assert "line 4: unit_code" in result.output and "line 5: " in result.output
    assert "imported 2, already present 0, bad 4" in result.output
    again = CliRunner().invoke(main, ["import", str(path)], env=cli_env(ctx))
    assert "imported 0, already present 2, bad 4" in again.output
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 2
        assert session.scalar(select(func.count()).select_from(Category)) == 1
        article = session.scalar(select(Article).where(Article.slug == GOOD["slug"]))
    assert "<script>" not in article.body_html
    assert article.status == "published"
    assert article.published_at.isoformat() == "2025-03-01T01:00:00+00:00"
