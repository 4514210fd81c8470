"""What a GraphQL document may cost before we run it: length, tokens, depth, aliases, fields, cost.

Limits run before execution, so an abusive document is refused before any
resolver or SQL runs: its length before it is lexed (a 20 MB comment is one
token), its tokens while it is parsed, the rest as validation rules. Documents
that pass are kept in a bounded LRU keyed by their text
(:mod:`core.graphql.documents`), so a popular query is parsed and validated once
per process, and a refused one is kept nowhere.

The cost of a query is the number of objects it may make us load: every field
weighs the product of the list sizes above it. A list's size is its ``first``
argument (a variable counts as the largest page, :data:`UNKNOWN_PAGE`, unless
it has a literal default; an absent one, the field's default); a connection's
``first`` (or ``last``; neither: its default page) sizes the list below it (``edges``);
a list without one counts
:data:`UNSIZED_LIST` items.
Introspection fields (off in production) are counted but not weighed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)
from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension
from strawberry.extensions.max_aliases import count_fields_with_alias
from strawberry.extensions.query_depth_limiter import create_validator

from core.content.queries import DEFAULT_PAGE
from core.graphql.documents import ValidDocumentCache, ValidDocuments
from core.settings import Settings

#: Valid documents kept per schema; front-ends ask a handful of distinct queries.
CACHE_SIZE = 256
#: What a page-size variable may be at most: the largest page a public list serves.
UNKNOWN_PAGE = 100
#: Items a list field without a page size is assumed to hold (the communes of a province).
UNSIZED_LIST = 50
PAGE_ARGUMENTS = ("first", "last", "limit")
TOO_LARGE, TOO_COMPLEX = "QUERY_TOO_LARGE", "QUERY_TOO_COMPLEX"

ExtensionFactory = Callable[[], SchemaExtension]


class MaxQueryLength(SchemaExtension):
    """Refuse a document longer than ``max_length`` characters before the lexer reads it."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length

    def on_operation(self) -> Iterator[None]:
        query = self.execution_context.query
        if query is not None and len(query) > self.max_length:
            raise GraphQLError(
                f"The query is longer than {self.max_length} characters.",
                extensions={"code": TOO_LARGE},
            )
        yield


class _Measure:
    """Fields and cost of one operation, walked with fragments expanded; stops once over."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        operation: OperationDefinitionNode,
        max_fields: int,
        max_cost: int,
    ) -> None:
        self.schema, self.fragments = schema, fragments
        self.defaults = {
            v.variable.name.value: v.default_value.value
            for v in operation.variable_definitions or ()
            if isinstance(v.default_value, IntValueNode)
        }
        self.max_fields, self.max_cost = max_fields, max_cost
        self.fields = self.cost = 0

    @property
    def over(self) -> bool:
        return self.fields > self.max_fields or self.cost > self.max_cost

    def page_size(self, node: FieldNode, definition: GraphQLField) -> int | None:
        """The page this field asks for: its argument, else the argument's default, else None."""
        for argument in node.arguments or ():
            if argument.name.value not in PAGE_ARGUMENTS:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(int(value.value), 0)
            if isinstance(value, VariableNode):
                return int(self.defaults.get(value.name.value, UNKNOWN_PAGE))
        for name in PAGE_ARGUMENTS:
            declared = definition.args.get(name)
            if declared is not None and isinstance(declared.default_value, int):
                return declared.default_value
        if "first" in definition.args and "last" in definition.args:
            return DEFAULT_PAGE  # a Relay connection asked with neither: its default page
        return None

    def walk(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType | None,
        weight: int,
        page: int | None,
        fragments_seen: frozenset[str] = frozenset(),
    ) -> None:
        for selection in selection_set.selections:
            if self.over:
                return
            if isinstance(selection, FieldNode):
                self.fields += 1
                self.cost += weight
                fields = getattr(parent, "fields", {})
                definition = fields.get(selection.name.value)
                if definition is None or selection.selection_set is None:
                    continue  # a leaf, or introspection
                own = self.page_size(selection, definition)
                child_weight, child_page = weight, own
                if _is_list(definition.type):
                    child_weight, child_page = weight * (own or page or UNSIZED_LIST), None
                self.walk(
                    selection.selection_set,
                    get_named_type(definition.type),
                    child_weight,
                    child_page,
                    fragments_seen,
                )
            elif isinstance(selection, InlineFragmentNode):
                on = selection.type_condition
                self.walk(
                    selection.selection_set,
                    self.schema.get_type(on.name.value) if on else parent,
                    weight,
                    page,
                    fragments_seen,
                )
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in fragments_seen:
                    continue  # unknown or cyclic: other rules report those
                self.walk(
                    fragment.selection_set,
                    self.schema.get_type(fragment.type_condition.name.value),
                    weight,
                    page,
                    fragments_seen | {name},
                )


def _is_list(type_: GraphQLOutputType) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


def cost_rule(*, max_aliases: int, max_fields: int, max_cost: int) -> type[ValidationRule]:
    """A validation rule refusing any operation over the alias, field or cost limit."""

    class QueryCost(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            for operation in document.definitions:
                if not isinstance(operation, OperationDefinitionNode):
                    continue
                message = self.excess(context, operation, fragments)
                if message:
                    context.report_error(GraphQLError(message, extensions={"code": TOO_COMPLEX}))
                    return

        @staticmethod
        def excess(
            context: ValidationContext,
            operation: OperationDefinitionNode,
            fragments: Mapping[str, FragmentDefinitionNode],
        ) -> str | None:
            aliases = count_fields_with_alias(operation, fragments)
            if aliases > max_aliases:
                return f"The query uses {aliases} aliases; at most {max_aliases} are allowed."
            root = context.schema.get_root_type(operation.operation)
            measure = _Measure(context.schema, fragments, operation, max_fields, max_cost)
            measure.walk(operation.selection_set, root, 1, None)
            if measure.fields > max_fields:
                return f"The query selects more than {max_fields} fields."
            if measure.cost > max_cost:
                return (
                    f"The query may load more than {max_cost} objects; "
                    "ask for smaller pages or fewer fields."
                )
            return None

    return QueryCost


def extensions(
    settings: Settings, *, introspection: bool, cost: bool = False
) -> list[ExtensionFactory]:
    """Schema extensions in their order: length and tokens before parse, rules before validate.

    ``cost`` adds the alias, field and cost limits (the anonymous public schema's).
    """
    rules: list[type[ASTValidationRule]] = [
        create_validator(settings.graphql_max_depth, None, None)
    ]
    if cost:
        rules.append(
            cost_rule(
                max_aliases=settings.graphql_max_aliases,
                max_fields=settings.graphql_max_fields,
                max_cost=settings.graphql_max_cost,
            )
        )
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    max_tokens, max_length = settings.graphql_max_tokens, settings.graphql_max_query_length
    documents = ValidDocuments(CACHE_SIZE)  # one per schema: its rules never change
    return [
        lambda: MaxQueryLength(max_length),
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: AddValidationRules(rules),
        lambda: ValidDocumentCache(documents),
    ]
