"""The parse-and-validate cache: a comment never defeats it, and nothing else is ever shared.

Each request's answer is compared with the answer of a fresh endpoint (an empty cache:
the document parsed and validated for that request), so a hit that served another
query's document would show as a different answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.context import Context
from core.graphql import public_app
from core.graphql.documents import ValidDocuments, without_comments

BASE = '{ articles(unit: "14932", first: 5) { edges { node { title slug } } } }'
#: Each differs from BASE (or from the one before it) in one thing that is not a comment.
VARIANTS = [
    '{ articles(unit: "14932", first: 1) { edges { node { title slug } } } }',  # literal
    '{ articles(unit: "38", first: 5) { edges { node { title slug } } } }',  # literal
    '{ articles(unit: "14932", first: 5) { edges { node { headline: title slug } } } }',
    '{ articles(unit: "14932", first: 5) { edges { node { title slug @include(if: false) } } } }',
    '{ articles(unit: "14932", first: 5) { edges { node { title slug @include(if: true) } } } }',
    'query($n: Int = 2) { articles(unit: "14932", first: $n) { edges { node { title } } } }',
    'query($n: Int = 3) { articles(unit: "14932", first: $n) { edges { node { title } } } }',
    '{ articles(unit: "14932", first: 5) { edges { node { ...F } } } } '
    "fragment F on Article { title }",
    '{ articles(unit: "14932", first: 5) { edges { node { ...F } } } } '
    "fragment F on Article { slug }",
    'query A { articles(unit: "14932", first: 1) { edges { node { title } } } } '
    'query B { articles(unit: "14932", first: 2) { edges { node { slug } } } }',
    '{ article(slug: "hop-dan") { title } }',
    '{ article(slug: "hop-dan #2") { title } }',  # a "#" inside a string is no comment
    '{ article(slug: """hop-dan""") { title } }',
    '{ article(slug: """hop-dan # 2""") { title } }',
]


@pytest.fixture
def content(make_article: Any) -> None:
    for n in range(6):
        make_article(f"Họp dân {n}", unit="14932" if n % 2 else "38", slug=f"hop-dan-{n}")
    make_article("Họp dân", slug="hop-dan")


@pytest.fixture
def hits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The queries the cache answered."""
    found: list[str] = []
    original = ValidDocuments.get

    def get(self: ValidDocuments, query: str) -> Any:
        document = original(self, query)
        if document is not None:
            found.append(query)
        return document

    monkeypatch.setattr(ValidDocuments, "get", get)
    return found


def fresh(ctx: Context) -> Iterator[TestClient]:
    with TestClient(public_app(ctx), raise_server_exceptions=False) as client:
        yield client


def ask(client: TestClient, query: str, operation: str | None = None) -> Any:
    body: dict[str, Any] = {"query": query}
    if operation:
        body["operationName"] = operation
    response = client.post("/", json=body)
    return response.status_code, response.json()


def uncached(ctx: Context, query: str, operation: str | None = None) -> Any:
    """The answer of an endpoint that has never seen a document: parsed and validated anew."""
    for client in fresh(ctx):
        return ask(client, query, operation)


def test_a_comment_does_not_defeat_the_cache(
    public: TestClient, ctx: Context, content: None, hits: list[str]
) -> None:
    first = ask(public, BASE + " # 1")
    again = ask(public, "# before\n" + BASE.replace("{ edges", "{ # inside\n edges") + " # 2")
    assert hits == []  # different lines: a different text, parsed anew
    same_lines = ask(public, BASE + " # another comment")
    assert hits == [BASE + " # another comment"]
    assert first == same_lines == again == uncached(ctx, BASE)
    assert len(first[1]["data"]["articles"]["edges"]) == 4  # "hop-dan" is on 14932 too


@pytest.mark.parametrize("order", ["base first", "variants first"])
def test_queries_differing_in_anything_but_comments_get_their_own_answer(
    public: TestClient, ctx: Context, content: None, hits: list[str], order: str
) -> None:
    queries = [BASE, *VARIANTS] if order == "base first" else [*VARIANTS, BASE]
    for n, query in enumerate(queries):
        operation = "B" if query.startswith("query A") else None
        assert ask(public, f"{query} # first {n}", operation) == uncached(ctx, query, operation)
    hits.clear()
    for n, query in enumerate(queries):  # now every one is cached: a hit each
        operation = "B" if query.startswith("query A") else None
        assert ask(public, f"{query} # again {n}", operation) == uncached(ctx, query, operation)
    assert len(hits) == len(queries)
    # The other operation of the same document is still its own answer.
    both = VARIANTS[9]
    assert ask(public, f"{both} # A", "A") == uncached(ctx, both, "A")
    assert ask(public, f"{both} # B", "A")[1] != ask(public, f"{both} # C", "B")[1]


def test_error_locations_stay_those_of_the_request(
    public: TestClient, ctx: Context, content: None, hits: list[str]
) -> None:
    # Over the page limit: an execution error with the field's location.
    short = "{ # a\n  articles(first: 500) { edges { cursor } } }"
    long = "{ # a much longer comment, so columns would move if it were cut badly\n" + short[6:]
    assert ask(public, short) == uncached(ctx, short)
    answer = ask(public, long)
    assert hits == [long]
    assert answer[1]["errors"][0]["locations"] == [{"line": 2, "column": 3}]


def test_without_comments_keeps_strings_and_positions() -> None:
    assert without_comments('{ a(s: "x # y") } # z') == '{ a(s: "x # y") } '
    assert without_comments('{ a(s: """x\n# y\n""") } # z\n#w') == '{ a(s: """x\n# y\n""") } \n'
    assert without_comments('{ a(s: "q\\"#") }#') == '{ a(s: "q\\"#") }'
    assert without_comments('{ a(s: """ \\""" # """) }#') == '{ a(s: """ \\""" # """) }'
    text = "query Q { # c\n  a #d\n  b }"
    kept = without_comments(text)
    assert kept.splitlines() == ["query Q { ", "  a ", "  b }"]
    # An unterminated string keeps its fault: the text stays one the lexer refuses.
    assert without_comments('{ a(s: "x # y\n") }') == '{ a(s: "x \n") }'
    assert without_comments('{ a(s: """x # y') == '{ a(s: """x '
