"""A documents search page's counts: how many match across pages, and by type, field and
year, under the same filters (and visibility) as the list itself."""

from __future__ import annotations

from core.auth.permissions import SYSTEM
from core.govcontent import editing, legal

LIST = """query($field: String, $query: String) {
  legalDocuments(unit: "14932", first: 1, field: $field, query: $query) {
    totalCount edges { node { number } }
    facets { types { value name count } fields { value count } years { value count } }
  } }"""


def _doc(ctx, number: str, doc_type: str, field: str, issued: str, publish: bool = True) -> None:
    data = {
        "number": number,
        "doc_type": doc_type,
        "issuing_body": "UBND xã Cẩm Thủy",
        "issued_on": issued,
        "abstract": f"Văn bản về {field.lower()}",
        "field": field,
    }
    row = editing.save(ctx, SYSTEM, legal.KIND, data, unit_code="14932")
    if publish:
        editing.publish(ctx, SYSTEM, legal.KIND, row.uid)


def test_counts_across_pages_by_type_field_and_year(ctx, gql):
    _doc(ctx, "1/QĐ-UBND", "quyet_dinh", "Đất đai", "2026-03-01")
    _doc(ctx, "2/QĐ-UBND", "quyet_dinh", "Đất đai", "2025-05-01")
    _doc(ctx, "3/KH-UBND", "ke_hoach", "Chuyển đổi số", "2026-04-01")
    _doc(ctx, "4/QĐ-UBND", "quyet_dinh", "Chuyển đổi số", "2026-06-01", publish=False)
    page = gql(LIST)["data"]["legalDocuments"]
    assert page["totalCount"] == 3 and len(page["edges"]) == 1  # the draft is not counted
    assert page["facets"]["types"] == [
        {"value": "quyet_dinh", "name": "Quyết định", "count": 2},
        {"value": "ke_hoach", "name": "Kế hoạch", "count": 1},
    ]
    assert page["facets"]["fields"] == [
        {"value": "Đất đai", "count": 2},
        {"value": "Chuyển đổi số", "count": 1},
    ]
    assert page["facets"]["years"] == [{"value": "2026", "count": 2}, {"value": "2025", "count": 1}]
    narrowed = gql(LIST, field="Đất đai", query="dat dai")["data"]["legalDocuments"]
    assert narrowed["totalCount"] == 2
    assert narrowed["facets"]["types"] == [
        {"value": "quyet_dinh", "name": "Quyết định", "count": 2}
    ]
