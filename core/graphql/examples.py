"""The example queries GraphiQL opens with: what a commune's home page asks Loa for.

A front-end developer's first minutes decide whether they use the API: each tab is a
query a commune site really needs, with its variables, and a test runs every one of
them against the public schema so they never rot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    query: str
    variables: dict[str, object]

    def tab(self) -> dict[str, str]:
        """GraphiQL's ``defaultTabs`` entry."""
        return {"query": self.query, "variables": json.dumps(self.variables, indent=2)}


HOME = Example(
    """# Trang chủ của một xã / A commune's home page
# Ctrl-Enter: chạy truy vấn / run the query. Mã xã: xem tab "Tìm mã đơn vị".
query ($unit: String!) {
  donVi: unit(code: $unit) { code name }
  bangRon: articles(unit: $unit, kinds: ["banner"], first: 3) {
    edges { node { title url cover { url(width: 1200) alt } visibleUntil } }
  }
  tinMoi: articles(unit: $unit, kinds: ["article"], first: 6) {
    edges {
      node {
        id title summary url publishedAtLocal category { name slug }
        cover { url(width: 640) srcset alt }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
  thongBao: articles(unit: $unit, kinds: ["notice"], first: 5) {
    edges { node { title url publishedAtLocal } }
  }
  chuyenMuc: categories { slug name }
}
""",
    {"unit": "14932"},
)

FIND_UNIT = Example(
    """# Tìm mã đơn vị / Find a unit's code
# Tỉnh, thành phố: units. Xã, phường của một tỉnh: units(parent: "<mã tỉnh>").
# Mã trước năm 2025 (cũ): formerUnit(code:) cho biết đơn vị mới tiếp nhận.
query ($province: String!, $oldCode: String!) {
  provinces: units { code name }
  communes: units(parent: $province) { code name level }
  formerUnit(code: $oldCode) { name successors { isDefault unit { code name } } }
}
""",
    {"province": "38", "oldCode": "38"},
)

PAGING = Example(
    """# Phân trang bằng con trỏ / Paging with cursors (Relay)
# Trang sau: after = pageInfo.endCursor. Trang trước: last + before = pageInfo.startCursor.
query ($unit: String!, $after: String) {
  articles(unit: $unit, first: 10, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id title publishedAtLocal } }
  }
}
""",
    {"unit": "14932", "after": None},
)

ONE_ARTICLE = Example(
    """# Một tin bài theo slug / One article by its slug
query ($slug: String!) {
  article(slug: $slug) {
    id kind title summary bodyHtml url publishedAtLocal source author
    unit { code name } agency { name } category { name }
    cover { url(width: 1200) alt caption }
    attachments { title url pages }
  }
}
""",
    {"slug": "vi-du"},
)

EXAMPLES = (HOME, FIND_UNIT, PAGING, ONE_ARTICLE)
