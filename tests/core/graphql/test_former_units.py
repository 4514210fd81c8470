"""The old→2025 unit code map: queryable, and content stays findable under an old code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from starlette.testclient import TestClient

from core.context import Context
from core.units.models import UnitSuccessor
from core.units.succession import Link, links, sync_successors
from core.units.sync import Row, sync

Gql = Callable[..., Any]
#: Before 2025: Huyện Cẩm Thủy (Thanh Hóa) with Thị trấn Phong Sơn and Xã Cẩm Tâm, which
#: was split between Cẩm Thủy and Cẩm Thạch.
LEGACY = [
    Row("legacy", "VN", "national", "", "Việt Nam", "Việt Nam", None),
    Row("legacy", "38", "province", "Tỉnh", "Tỉnh Thanh Hóa", "Thanh Hóa", "VN"),
    Row("legacy", "391", "district", "Huyện", "Huyện Cẩm Thủy", "Cẩm Thủy", "38"),
    Row("legacy", "14932", "commune", "Thị trấn", "Thị trấn Phong Sơn", "Phong Sơn", "391"),
    Row("legacy", "14959", "commune", "Xã", "Xã Cẩm Tâm", "Cẩm Tâm", "391"),
]
LINKS = [
    Link("38", "38", True),
    Link("14932", "14950", True),  # the same code meant another commune before the reform
    Link("14959", "14932", True),
    Link("14959", "14950", False),
    Link("391", "14932", False),
    Link("391", "14950", False),
]
FORMER = """query($code: String!) { formerUnit(code: $code) {
  code name level successors { isDefault unit { code name } } } }"""


def load(ctx: Context, tree: dict[str, Any]) -> None:
    from tests.conftest import TREE

    with ctx.transaction() as session:
        sync(session, iter(TREE + LEGACY))
        sync_successors(session, LINKS)


def test_the_packaged_map_links_every_former_province_and_most_communes() -> None:
    found = list(links())
    provinces = {link.legacy_code for link in found if len(link.legacy_code) == 2}
    assert len(provinces) == 63
    assert Link("14755", "14758", True) in found  # Phường Hàm Rồng kept its name, not its code
    assert {link.legacy_code for link in found if len(link.legacy_code) == 5} >= {"14755"}
    assert len({link.legacy_code for link in found}) > 10_000


def test_former_unit_lists_its_successors_default_first(
    gql: Gql, public: TestClient, ctx: Context, tree: dict[str, Any]
) -> None:
    load(ctx, tree)
    split = gql(public, FORMER, code="14959")["data"]["formerUnit"]
    assert split == {
        "code": "14959",
        "name": "Xã Cẩm Tâm",
        "level": "commune",
        "successors": [
            {"isDefault": True, "unit": {"code": "14932", "name": "Xã Cẩm Thủy"}},
            {"isDefault": False, "unit": {"code": "14950", "name": "Xã Cẩm Thạch"}},
        ],
    }
    # An old code is looked up in the old scheme, even where 2025 reused it for another unit.
    moved = gql(public, FORMER, code="14932")["data"]["formerUnit"]
    assert moved["name"] == "Thị trấn Phong Sơn"
    assert [s["unit"]["code"] for s in moved["successors"]] == ["14950"]
    district = gql(public, FORMER, code="391")["data"]["formerUnit"]
    assert district["level"] == "district" and len(district["successors"]) == 2
    unknown = gql(public, FORMER, code="nope")
    assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert list(unknown["errors"][0]["extensions"]["fields"]) == ["code"]
    with ctx.transaction() as session:  # replacing the map is idempotent
        assert sync_successors(session, LINKS) == len(LINKS)
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(UnitSuccessor)) == len(LINKS)


def test_articles_of_a_former_unit_are_those_of_its_successors(
    gql: Gql, public: TestClient, ctx: Context, tree: dict[str, Any], make_article: Any
) -> None:
    load(ctx, tree)
    make_article("Cẩm Thủy", unit="14932")
    make_article("Cẩm Thạch", unit="14950")
    make_article("Hạc Thành", unit="15112")
    query = """query($former: String!, $unit: String) {
      articles(formerUnit: $former, unit: $unit) { edges { node { title } } } }"""

    def titles(**args: Any) -> list[str]:
        body = gql(public, query, **args)
        assert "errors" not in body, body
        return sorted(e["node"]["title"] for e in body["data"]["articles"]["edges"])

    assert titles(former="14932") == ["Cẩm Thạch"]
    assert titles(former="14959") == ["Cẩm Thạch", "Cẩm Thủy"]
    assert titles(former="38") == ["Cẩm Thạch", "Cẩm Thủy", "Hạc Thành"]
    assert titles(former="14959", unit="14950") == ["Cẩm Thạch"]
    bad = gql(public, query, former="nope")
    assert list(bad["errors"][0]["extensions"]["fields"]) == ["formerUnit"]
