"""Execution with a short path for plain leaf fields (an attribute read and a scalar's output).

A page of 20 articles has ~100 fields that only read an attribute and output a string or
a date (``title``, ``slug``, ``category { name }``). graphql-core runs each through the
general field machinery: a resolve-info object, strawberry's resolver wrapper, then the
value's completion, layer after layer; that machinery was a third of a cold list's CPU.

A field takes the short path only when strawberry itself chose its "basic" resolver
(no resolver function, no field extension, no permission, no exception handler), it has
no arguments, its type is a scalar or enum (non-null or not) and no middleware wraps
resolvers. It then gets exactly what strawberry's basic resolver returns, output by the
scalar as graphql-core would. Anything else (a null, an awaitable, an exception, any other
field) goes the general way, which also produces every error with its path and location.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from graphql import GraphQLField, GraphQLLeafType, GraphQLObjectType, GraphQLSchema
from graphql.type import is_leaf_type, is_non_null_type
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

#: The name of strawberry's resolver for a basic field (``GraphQLCoreConverter.from_resolver``).
BASIC_RESOLVER = "_get_basic_result"

Plain = tuple[StrawberryField, GraphQLLeafType] | None
_PLAIN: WeakKeyDictionary[GraphQLSchema, dict[tuple[str, str], Plain]] = WeakKeyDictionary()


def plain_leaf(field_def: GraphQLField) -> Plain:
    """The strawberry field and scalar of a plain leaf field; None for any other field."""
    field = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    resolve = field_def.resolve
    if not isinstance(field, StrawberryField) or not field.is_basic_field or field_def.args:
        return None
    if getattr(resolve, "__name__", None) != BASIC_RESOLVER:
        return None
    leaf = field_def.type.of_type if is_non_null_type(field_def.type) else field_def.type
    return (field, leaf) if is_leaf_type(leaf) else None


class PlainLeafExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution, with plain leaf fields answered without the general machinery."""

    def _plain(self, parent_type: GraphQLObjectType, name: str) -> Plain:
        known = _PLAIN.setdefault(self.schema, {})
        key = (parent_type.name, name)
        if key not in known:
            field_def = self.schema.get_field(parent_type, name)
            known[key] = plain_leaf(field_def) if field_def is not None else None
        return known[key]

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Any,
        position_context: Any,
    ) -> Any:
        plain = None
        manager = self.middleware_manager
        if manager is None or not manager.middlewares:  # no schema extension wraps resolvers
            plain = self._plain(parent_type, field_details_list[0].node.name.value)
        if plain is not None:
            field, leaf = plain
            try:
                value = field.get_result(source, None, [], {})
                if not (value is None or isinstance(value, Exception) or self.is_awaitable(value)):
                    return self.complete_leaf_value(leaf, value)
            except Exception:  # noqa: S110 - the general path below reports it with its path
                pass
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
