"""Refuse text no database can hold (NUL, lone surrogates) before any resolver sees it.

PostgreSQL refuses a NUL character in any text parameter and the driver cannot encode a lone
surrogate (JSON's ``"\\ud800"``); either, in any argument of any field, ended as a raw
``DataError`` or ``UnicodeEncodeError`` wherever the value first reached SQL, so every
resolver would need the same guard. One check of the request's variables and string literals
answers ``BAD_USER_INPUT`` instead, naming the argument, before execution starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError
from graphql.language import ArgumentNode, DocumentNode, Node, ObjectFieldNode, StringValueNode
from strawberry.extensions import SchemaExtension

from core.errors import ValidationFailed
from core.text import storable

WHY = "contains a character that cannot be stored (NUL or a lone surrogate)"


def _bad_variables(value: Any, name: str) -> Iterator[str]:
    if isinstance(value, str):
        if not storable(value):
            yield name
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _bad_variables(key, name)
            yield from _bad_variables(inner, f"{name}.{key}")
    elif isinstance(value, list):
        for inner in value:
            yield from _bad_variables(inner, name)


def _bad_literals(node: Node, name: str) -> Iterator[str]:
    if isinstance(node, StringValueNode) and not storable(node.value):
        yield name
        return
    for key in node.keys:
        child = getattr(node, key, None)
        children = child if isinstance(child, tuple | list) else (child,)
        for c in children:
            if isinstance(c, Node) and key != "loc":
                inner = name
                if isinstance(c, ArgumentNode | ObjectFieldNode):
                    inner = f"{name}.{c.name.value}" if name else c.name.value
                yield from _bad_literals(c, inner)


def unstorable_arguments(
    document: DocumentNode | None, variables: dict[str, Any] | None
) -> list[str]:
    """The names of the variables and literal arguments that carry unstorable text."""
    names = [n for k, v in (variables or {}).items() for n in _bad_variables(v, k)]
    if document is not None:
        names.extend(_bad_literals(document, ""))
    return list(dict.fromkeys(names))


class RefuseUnstorableText(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        bad = unstorable_arguments(context.graphql_document, context.variables)
        if bad:
            refusal = ValidationFailed(dict.fromkeys(bad, WHY))
            error = GraphQLError(refusal.message, original_error=refusal)
            context.result = ExecutionResult(data=None, errors=[error])
        yield
