"""A parse-and-validate cache that keeps valid documents only.

Strawberry's ``ParserCache`` and ``ValidationCache`` keep every document that
parses, including those validation then refuses: a client sending distinct
over-limit queries would fill them with its own text and syntax trees (close to
1 MB each at the token limit). Here a document is cached only once it passed
every validation rule (limits included), keyed by its text; a hit skips parsing
and validation both, since the rules of a schema never change.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

from graphql import DocumentNode
from strawberry.extensions import SchemaExtension


class ValidDocuments:
    """The shared LRU: query text → a document that validated."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self.entries: OrderedDict[str, DocumentNode] = OrderedDict()

    def get(self, query: str) -> DocumentNode | None:
        document = self.entries.get(query)
        if document is not None:
            self.entries.move_to_end(query)
        return document

    def put(self, query: str, document: DocumentNode) -> None:
        self.entries[query] = document
        self.entries.move_to_end(query)
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
