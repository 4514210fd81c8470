"""Compose: who the item is from (agency, author, source: S4.6) and images picked from the
unit's media library, as the cover and as the gallery (each needs alt text and a caption)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.actions import desk, media
from core.auth.permissions import SYSTEM
from core.content.models import Agency
from core.context import Context
from core.units.lookups import unit_by_code
from tests.admin.test_desk import compose, png, uid_of
from tests.core.auth.conftest import Clock, MakeAccount, csrf_of, sign_in


@pytest.fixture
def editor(web: TestClient, make_account: MakeAccount, clock: Clock) -> TestClient:
    """The editor's browser, signed in."""
    sign_in(web, make_account("bien-tap"), clock)
    return web


def _library_image(ctx: Context, tmp_path: Path, name: str, alt: str, caption: str) -> int:
    path = tmp_path / name
    path.write_bytes(png())
    return media.upload(ctx, SYSTEM, "14932", path, name, alt=alt, caption=caption).id


def _agency(ctx: Context, name: str, unit_code: str) -> int:
    with ctx.transaction() as session:
        row = Agency(name=name, unit_id=unit_by_code(session, unit_code).id)
        session.add(row)
        session.flush()
        return row.id


def test_attribution_and_gallery_from_the_library(
    ctx: Context, editor: TestClient, portal_target: Any, tmp_path: Path
) -> None:
    office = _agency(ctx, "Văn phòng UBND xã Cẩm Thủy", "14932")
    elsewhere = _agency(ctx, "Sở Y tế Hà Nội", "01")
    market = _library_image(ctx, tmp_path, "cho.png", "Chợ phiên sáng chủ nhật", "Chợ phiên")
    school = _library_image(ctx, tmp_path, "truong.png", "Trường tiểu học xã", "Trường học")

    form = editor.get("/admin/compose")
    assert "Văn phòng UBND xã Cẩm Thủy" in form.text  # the unit's agency, offered
    assert "Sở Y tế Hà Nội" not in form.text  # another province's, not
    assert f'name="gallery" value="{market}"' in form.text

    saved = compose(
        editor,
        portal_target.id,
        agency_id=str(office),
        author_name="Nguyễn Thị Hoa",
        source="Trạm y tế xã",
        gallery=[str(market), str(school)],
        gallery_shown=[str(market), str(school)],
    )
    assert saved.status_code == 303, saved.text[:2000]
    uid = uid_of(saved)
    view = desk.item_view(ctx, SYSTEM, uid)
    assert view.data["agency_id"] == office
    assert view.data["author_name"] == "Nguyễn Thị Hoa"
    assert view.data["source"] == "Trạm y tế xã"
    assert view.gallery_ids == (market, school)
    assert elsewhere != office

    # Edit: the fields come back filled; unticking one image takes it out of the gallery;
    # a library image becomes the cover when nothing is uploaded.
    edit = editor.get(f"/admin/items/{uid}/edit")
    assert 'value="Nguyễn Thị Hoa"' in edit.text
    assert f'<option value="{office}" selected>' in edit.text
    assert f'name="gallery" value="{school}" checked' in edit.text
    data = {
        "csrf_token": csrf_of(edit.text),
        "title": view.data["title"],
        "unit_code": "14932",
        "kind": "notice",
        "target_ids": [str(portal_target.id)],
        "scope_units": ["14932"],
        "agency_id": str(office),
        "author_name": "Nguyễn Thị Hoa",
        "source": "Trạm y tế xã",
        "gallery": [str(school)],
        "gallery_shown": [str(market), str(school)],
        "cover_asset": str(market),
    }
    again = editor.post(f"/admin/items/{uid}/edit", data=data)
    assert again.status_code == 303, again.text[:2000]
    view = desk.item_view(ctx, SYSTEM, uid)
    assert view.gallery_ids == (school,)
    assert ("cover", "cho.png", "Chợ phiên sáng chủ nhật", "Chợ phiên") in view.media


def test_a_library_image_without_caption_is_refused_for_the_gallery(
    ctx: Context, editor: TestClient, portal_target: Any, tmp_path: Path
) -> None:
    bare = _library_image(ctx, tmp_path, "khong.png", "Cánh đồng lúa", "")
    saved = compose(editor, portal_target.id, gallery=[str(bare)], gallery_shown=[str(bare)])
    assert saved.status_code == 400
    assert 'id="err-gallery"' in saved.text
    assert "Cánh đồng lúa" in saved.text
