"""The public schema documents itself: every type, field, argument and enum value says what it is.

A front-end developer reads the schema in GraphiQL or their editor, not our code: a field
without a description is a question they have to ask someone.
"""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)

from core.graphql.public import public_schema
from core.settings import Settings

#: Scalars the GraphQL spec defines: documented by the spec itself.
SPEC_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def undocumented() -> list[str]:
    schema = public_schema(Settings())._schema
    missing: list[str] = []
    for name, kind in sorted(schema.type_map.items()):
        if name.startswith("__") or name in SPEC_SCALARS:
            continue
        if not (kind.description or "").strip():
            missing.append(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                if not (field.description or "").strip():
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg})"
                    for arg, argument in field.args.items()
                    if not (argument.description or "").strip()
                ]
        elif isinstance(kind, GraphQLInputObjectType):
            missing += [
                f"{name}.{f}" for f, v in kind.fields.items() if not (v.description or "").strip()
            ]
        elif isinstance(kind, GraphQLEnumType):
            missing += [
                f"{name}.{v}" for v, d in kind.values.items() if not (d.description or "").strip()
            ]
        else:
            assert isinstance(kind, GraphQLScalarType | GraphQLUnionType), name
    return missing


def test_every_public_type_field_argument_and_value_has_a_description() -> None:
    assert undocumented() == []


def test_descriptions_tell_how_to_find_a_unit_code_and_what_a_cursor_is() -> None:
    schema = public_schema(Settings())._schema
    articles = schema.query_type.fields["articles"]  # type: ignore[union-attr]
    assert "units(parent:)" in (articles.args["unit"].description or "")
    assert "cursor" in (articles.args["after"].description or "").lower()
    page_info = schema.type_map["PageInfo"]
    assert "opaque" in (page_info.fields["endCursor"].description or "")  # type: ignore[union-attr]
