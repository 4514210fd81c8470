"""The public schema's short path for plain leaf fields answers exactly as strawberry's own.

Every query runs on the public schema (``PlainLeafExecutor``) and on the same schema built
with strawberry's executor; data and errors (message, path, location) must be equal.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from core.context import Context
from core.graphql import public as public_module
from core.graphql.errors import formatted
from core.graphql.executor import PlainLeafExecutor, plain_leaf
from core.graphql.request import RequestContext

ARTICLE = """id uid kind slug title summary bodyHtml source author publishedAt publishedAtLocal
    updatedAt visibleUntil interactionsAllowed url __typename
    cover { url caption srcset image { url } } category { id slug name __typename }
    unit { id code name shortName level portalUrlTemplate } agency { name }"""
QUERIES = [
    "{ articles(first: 20) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor "
    "endCursor } edges { cursor node { ARTICLE } } } }",
    '{ a: articles(unit: "38", first: 2) { edges { node { t: title slug } } } '
    'b: articles(unit: "14932", last: 1) { edges { node { ...F } } } } '
    "fragment F on Article { title @include(if: true) slug @skip(if: true) kind }",
    '{ article(slug: "quyet-dinh-so-5") { ARTICLE } }',
    '{ article(slug: "khong-co") { title } }',
    "{ categories { slug name } units { code name level } }",
    '{ unit(code: "38") { code name shortName } }',
    '{ unit(code: "99999") { code } }',  # an error with its path
    "{ articles(first: 500) { edges { cursor } } }",  # refused in the resolver
    "{ __typename articles(first: 1) { __typename edges { __typename } } }",
]


def answers(schema: Any, ctx: Context, query: str) -> Any:
    result = asyncio.run(schema.execute(query, context_value=RequestContext(ctx)))
    return result.data, [formatted(e) for e in result.errors or ()]


@pytest.mark.usefixtures("varied_articles")
def test_the_short_path_answers_as_strawberry_does(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = public_module.public_schema(ctx.settings)
    assert fast.execution_context_class is PlainLeafExecutor
    monkeypatch.setattr(public_module, "PlainLeafExecutor", StrawberryGraphQLCoreExecutionContext)
    slow = public_module.public_schema(ctx.settings)
    assert slow.execution_context_class is StrawberryGraphQLCoreExecutionContext
    errors = 0
    for query in (q.replace("ARTICLE", ARTICLE) for q in QUERIES):
        expected = answers(slow, ctx, query)
        assert answers(fast, ctx, query) == expected, query
        errors += len(expected[1])
    assert errors == 2  # the unknown unit and the page over the limit


def test_only_plain_leaves_take_the_short_path(ctx: Context) -> None:
    schema = public_module.public_schema(ctx.settings)._schema
    article = schema.type_map["Article"].fields  # type: ignore[union-attr]
    assert plain_leaf(article["title"]) is not None
    assert plain_leaf(article["publishedAt"]) is not None  # a custom scalar: still output by it
    for name in ("url", "category", "cover", "uid", "publishedAtLocal", "gallery"):
        assert plain_leaf(article[name]) is None, name  # resolvers, objects, arguments
