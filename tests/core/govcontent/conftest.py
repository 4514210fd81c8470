"""Fixtures for the government content tests: the whole app on ``ctx`` with media on the local
filesystem, callers of both APIs, and library items made through the real upload action."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.actions import media
from core.auth.permissions import SYSTEM
from core.context import Context
from core.media.models import MediaAsset
from tests.support.media import pdf, png, token_for
from tests.support.media_files import need


@pytest.fixture
def web(ctx: Context, tree: dict[str, Any]) -> Iterator[TestClient]:
    """The whole app (edge included), media in a local directory of the test."""
    from core.app import create_app
    from core.media.current_store import EXTRA
    from core.media.storage import make_store

    ctx.extras[EXTRA] = make_store(dataclasses.replace(ctx.settings, media_store="file"))
    app = create_app(ctx.settings, ctx=ctx, embedded_worker=False)
    with TestClient(
        app, base_url="http://loa.test", raise_server_exceptions=False, follow_redirects=False
    ) as client:
        yield client


@pytest.fixture
def editor_token(ctx: Context, tree: dict[str, Any]) -> str:
    """An editor of Xã Cẩm Thủy (14932): writes drafts, cannot publish."""
    return token_for(ctx, "bientap-camthuy", tree["14932"].id)


@pytest.fixture
def gql(web: TestClient) -> Callable[..., dict[str, Any]]:
    """``gql(document, token=None, **variables)``: the management API with a token, else public."""

    def call(document: str, token: str | None = None, /, **variables: Any) -> dict[str, Any]:
        path = "/api/graphql" if token else "/graphql"
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        r = web.post(path, json={"query": document, "variables": variables}, headers=headers)
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    return call


@pytest.fixture
def upload(web: TestClient, ctx: Context, tmp_path: Path) -> Callable[..., MediaAsset]:
    """``upload("pdf"|"png", unit="14932", text=..., alt=..., **png_args)``: a library item."""

    def make(kind: str, unit: str = "14932", text: str = "Quyet dinh so 12", **more: Any) -> Any:
        alt = more.pop("alt", "Ảnh minh họa")
        if kind == "pdf":
            need("pdftoppm")  # the PDF's thumbnail: skipped on a laptop without it, failed in CI
            path = pdf(tmp_path / f"{text[:8]}.pdf", text)
        else:
            path = png(tmp_path / f"banner{len(more)}.png", **more)
        return media.upload(ctx, SYSTEM, unit, path, path.name, alt=alt, title=text)

    return make
