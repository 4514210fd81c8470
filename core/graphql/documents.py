"""A parse-and-validate cache that keeps valid documents only.

Strawberry's ``ParserCache`` and ``ValidationCache`` keep every document that
parses, including those validation then refuses: a client sending distinct
over-limit queries would fill them with its own text and syntax trees (close to
1 MB each at the token limit). Here a document is cached only once it passed
every validation rule (limits included), keyed by its text without its comments
(:func:`without_comments`); a hit skips parsing and validation both, since the
rules of a schema never change. A client that makes each request unique with a
comment (to get past a response cache) still reuses the parsed document.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension

#: A string (block or plain, kept whole) or a comment (``#`` to the end of its line).
_STRING_OR_COMMENT = re.compile(r'"""(?:\\"""|[^"]|"(?!""))*"""|"(?:[^"\\\n\r]|\\.)*"|#[^\n\r]*')


def _keep_strings(match: re.Match[str]) -> str:
    text = match.group()
    return "" if text.startswith("#") else text


def without_comments(query: str) -> str:
    """``query`` without its comments: the same tokens at the same lines and columns.

    A comment runs to the end of its line, so dropping it moves no token (error
    locations stay right); strings are matched first, so a ``#`` inside one stays. On a
    valid document this scan and GraphQL's lexer agree (outside strings and comments
    a document has no ``"`` or ``#``); a text it reads differently is one the lexer
    refuses, and such a text without its "comments" still has the unterminated string
    it had, so it can never be mistaken for a cached valid document.
    """
    if "#" not in query:
        return query
    return _STRING_OR_COMMENT.sub(_keep_strings, query)


class ValidDocuments:
    """The shared LRU: query text without comments → a document that validated."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.entries: OrderedDict[str, DocumentNode] = OrderedDict()

    def get(self, query: str) -> DocumentNode | None:
        key = without_comments(query)
        document = self.entries.get(key)
        if document is not None:
            self.entries.move_to_end(key)
        return document

    def put(self, query: str, document: DocumentNode) -> None:
        key = without_comments(query)
        self.entries[key] = document
        self.entries.move_to_end(key)
        while len(self.entries) > self.maxsize:
            self.entries.popitem(last=False)


class ValidDocumentCache(SchemaExtension):
    """One request's use of :class:`ValidDocuments`: serve a hit, store a new valid document."""

    def __init__(self, cache: ValidDocuments) -> None:
        self.cache = cache
        self.hit = False

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and (document := self.cache.get(context.query)):
            context.graphql_document, self.hit = document, True
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if self.hit:
            context.pre_execution_errors = []  # validated when it was stored
        yield
        document, valid = context.graphql_document, not context.pre_execution_errors
        if valid and not self.hit and context.query is not None and document is not None:
            self.cache.put(context.query, document)
