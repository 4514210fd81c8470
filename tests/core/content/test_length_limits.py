"""Every length limit of the schema is checked in validation, with a typed error, everywhere.

Before, ``coverCaption`` and ``coverUrl`` had no limit in validation: SQLite stored anything,
and PostgreSQL answered with a raw ``DataError`` (a masked INTERNAL error to the editor).
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from core.actions import content as actions
from core.auth.permissions import SYSTEM
from core.content.models import Article
from core.content.validation import TEXT_LIMITS
from core.context import Context
from core.db import column_limit
from core.errors import ValidationFailed
from core.graphql import management_app
from tests.conftest import API_TOKEN

RESULT = """ __typename ... on ValidationError { fields { field message } }
  ... on ArticleResult { article { id } }"""
CREATE = "mutation($input: ArticleInput!) { createArticle(input: $input) {" + RESULT + "} }"
UPDATE = (
    "mutation($id: ID!, $input: ArticleInput!) { updateArticle(id: $id, input: $input) {"
    + RESULT
    + "} }"
)
COVER = "https://img.example/a.jpg"


def test_limits_are_the_model_columns() -> None:
    for field in ("title", "source", "author_name"):
        assert TEXT_LIMITS[field] == column_limit(Article, field)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"coverUrl": COVER, "coverCaption": "c" * 501}, "coverCaption", "at most 500 characters"),
        (
            {"coverUrl": "https://img.example/" + "a" * 1000, "coverCaption": "c"},
            "coverUrl",
            "at most 1000 characters",
        ),
        ({"title": "t" * 501}, "title", "at most 500 characters"),
        ({"authorName": "a" * 201}, "authorName", "at most 200 characters"),
    ],
)
def test_create_and_update_article_refuse_over_long_values(
    ctx: Context, tree: dict[str, Any], fields: dict[str, str], field: str, message: str
) -> None:
    headers = {"Authorization": f"Bearer {API_TOKEN}"}
    with TestClient(management_app(ctx), raise_server_exceptions=False) as client:

        def ask(query: str, **variables: Any) -> Any:
            body = client.post("/", json={"query": query, "variables": variables}, headers=headers)
            return body.json()

        made = ask(CREATE, input={"title": "Bài", "unitCode": "14932", **fields})
        assert made["data"]["createArticle"] == {
            "__typename": "ValidationError",
            "fields": [{"field": field, "message": message}],
        }
        ok = ask(CREATE, input={"title": "Bài", "unitCode": "14932"})["data"]["createArticle"]
        uid = ok["article"]["id"]
        edited = ask(UPDATE, id=uid, input={"title": "Bài", "unitCode": "14932", **fields})
        assert edited["data"]["updateArticle"]["fields"] == [{"field": field, "message": message}]


def test_text_no_database_can_store_is_a_typed_refusal(ctx: Context, tree: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        actions.create(
            ctx, SYSTEM, {"title": "a\u0000b", "unit_code": "14932", "body_html": "\ud800"}
        )
    assert set(refused.value.fields) == {"title", "body_html"}
