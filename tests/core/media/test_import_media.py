"""``loa import`` brings ``cover_image_url`` into the unit's library, or reports the line.

A local HTTP server serves a real JPEG (with EXIF and GPS), a page that is not an image and a
body larger than the image limit; a URL naming loopback is refused when loopback is not opened
on purpose (``LOA_OUTBOUND_ALLOW_NETWORKS``, which the other tests set to loopback).
"""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from core.actions.importer import import_jsonl
from core.auth.permissions import SYSTEM
from core.content.models import Article
from core.media.models import MediaAsset, MediaUse

LIMIT = 200_000


def _jpeg() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (800, 450), (40, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Loa test camera"  # Make
    exif[0x8825] = {1: "N", 2: (19.0, 48.0, 0.0), 3: "E", 4: (105.0, 46.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def origin(serve: Any) -> str:
    """The old portal: ``/anh.jpg``, ``/trang.html``, ``/lon.jpg`` (past the limit), and
    ``/chuyen``, a redirect to another loopback address."""
    photo = _jpeg()
    assert b"Loa test camera" in photo

    async def anh(request: Request) -> Response:
        return Response(photo, media_type="image/jpeg")

    async def trang(request: Request) -> Response:
        return Response("<html><body>not an image</body></html>", media_type="image/jpeg")

    async def lon(request: Request) -> Response:
        async def body() -> Any:
            yield photo
            for _ in range(LIMIT // 65536 + 2):
                yield b"\0" * 65536

        return StreamingResponse(body(), media_type="image/jpeg")  # no Content-Length

    async def chuyen(request: Request) -> Response:
        port = request.url.port
        return Response(status_code=302, headers={"Location": f"http://127.0.0.2:{port}/anh.jpg"})

    app = Starlette(
        routes=[
            Route("/anh.jpg", anh),
            Route("/trang.html", trang),
            Route("/lon.jpg", lon),
            Route("/chuyen", chuyen),
        ]
    )
    return serve(app).url


@pytest.fixture
def importing(ctx, library, tree):
    ctx.settings = dataclasses.replace(ctx.settings, media_max_image_bytes=LIMIT)
    return ctx


def _line(slug: str, url: str, **extra: Any) -> str:
    post = {
        "title": f"Bài {slug}",
        "slug": slug,
        "unit_code": "14932",
        "published_at": "2025-06-01T08:00:00+07:00",
        "cover_image_url": url,
        "cover_caption": "Người dân làm thủ tục tại bộ phận một cửa",
        **extra,
    }
    return json.dumps(post, ensure_ascii=False)


def _cover(ctx, slug: str) -> MediaAsset | None:
    with ctx.sessions() as session:
        return session.scalar(
            select(MediaAsset)
            .join(MediaUse, MediaUse.asset_id == MediaAsset.id)
            .join(Article, Article.id == MediaUse.article_id)
            .where(Article.slug == slug, MediaUse.role == "cover")
        )


def test_a_cover_url_becomes_a_cleaned_library_cover(importing, origin, library):
    report = import_jsonl(importing, SYSTEM, [_line("mot-cua", f"{origin}/anh.jpg")])
    assert report.errors == [] and report.created == 1
    asset = _cover(importing, "mot-cua")
    assert asset is not None and asset.kind == "image" and asset.width == 800
    assert asset.caption == "Người dân làm thủ tục tại bộ phận một cửa"
    assert asset.alt == asset.caption  # no cover_alt: the caption describes it
    assert asset.filename == "anh.jpg"
    original = b"".join(library.read_range(asset.original_key))
    assert original[:3] == b"\xff\xd8\xff" and b"Loa test camera" not in original  # cleaned
    assert any(r.name.endswith(".webp") for r in asset.renditions)
    with importing.sessions() as session:
        assert session.scalar(select(Article.cover_url).where(Article.slug == "mot-cua")) == ""


def test_cover_alt_is_used_when_given(importing, origin):
    line = _line("co-alt", f"{origin}/anh.jpg", cover_alt="Quầy tiếp nhận hồ sơ")
    assert import_jsonl(importing, SYSTEM, [line]).created == 1
    assert _cover(importing, "co-alt").alt == "Quầy tiếp nhận hồ sơ"


def test_a_rerun_fetches_nothing_and_changes_nothing(importing, origin):
    lines = [_line("mot-cua", f"{origin}/anh.jpg")]
    assert import_jsonl(importing, SYSTEM, lines).created == 1
    again = import_jsonl(importing, SYSTEM, lines)
    assert (again.created, again.skipped, again.errors) == (0, 1, [])
    with importing.sessions() as session:
        assert session.scalar(select(func.count()).select_from(MediaAsset)) == 1


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/trang.html", "cover_image_url: "), ("/lon.jpg", f"larger than {LIMIT} bytes")],
)
def test_a_cover_that_is_not_an_image_or_too_large_is_a_bad_line(importing, origin, path, reason):
    lines = [_line("tot", f"{origin}/anh.jpg"), _line("xau", f"{origin}{path}")]
    report = import_jsonl(importing, SYSTEM, lines)
    assert report.created == 1
    [(number, message)] = report.errors
    assert number == 2 and message.startswith("cover_image_url: ") and reason in message
    with importing.sessions() as session:
        slugs = set(session.scalars(select(Article.slug).order_by(Article.id)))
        assert slugs == {"tot"}
        assert session.scalar(select(func.count()).select_from(MediaAsset)) == 1  # nothing left


def test_an_inward_cover_url_is_refused_by_the_outbound_client(importing, origin):
    importing.settings = dataclasses.replace(importing.settings, outbound_allow_networks=())
    report = import_jsonl(importing, SYSTEM, [_line("noi-bo", f"{origin}/anh.jpg")])
    [(number, message)] = report.errors
    assert number == 1 and "not fetched" in message and "127.0.0.1" in message
    with importing.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0
        assert session.scalar(select(func.count()).select_from(MediaAsset)) == 0


def test_loa_import_prints_the_line_of_a_cover_not_fetched(importing, origin, tmp_path):
    from click.testing import CliRunner

    from core.cli import main
    from tests.core.test_audit import cli_env

    path = tmp_path / "posts.jsonl"
    lines = [_line("tot", f"{origin}/anh.jpg")]
    lines.append(_line("noi-bo", f"{origin}/anh.jpg"))
    path.write_text("\n".join(lines), encoding="utf-8")
    env = {**cli_env(importing), "LOA_OUTBOUND_ALLOW_NETWORKS": ""}
    result = CliRunner().invoke(main, ["import", str(path)], env=env)
    assert result.exit_code == 1
    assert "line 1: cover_image_url: not fetched" in result.output
    assert "line 2: cover_image_url: not fetched" in result.output
    assert "imported 0, already present 0, bad 2" in result.output


def test_a_redirect_to_an_address_not_allowed_is_refused(importing, origin):
    """Only 127.0.0.1 is opened: the first hop is fetched, the redirect's 127.0.0.2 refused."""
    import ipaddress

    allow = (ipaddress.ip_network("127.0.0.1/32"),)
    importing.settings = dataclasses.replace(importing.settings, outbound_allow_networks=allow)
    report = import_jsonl(importing, SYSTEM, [_line("chuyen", f"{origin}/chuyen")])
    [(number, message)] = report.errors
    assert number == 1 and "not fetched" in message and "127.0.0.2" in message
    with importing.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 0
