"""What a GraphQL document may cost before we run it: tokens, depth, and cached parse/validate.

Limits run at parse and validation time, so an abusive document is refused
before any resolver or SQL runs. The parse and validation caches are bounded
LRUs keyed by the document text, so a popular query is parsed and validated
once per process. The depth rule is built once (not per request) so the
validation cache, which is keyed by the rule classes, keeps hitting.
"""

from __future__ import annotations

from collections.abc import Callable

from graphql.validation import ASTValidationRule, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.query_depth_limiter import create_validator

from core.settings import Settings

CACHE_SIZE = 512

ExtensionFactory = Callable[[], SchemaExtension]


def extensions(settings: Settings, *, introspection: bool) -> list[ExtensionFactory]:
    """Schema extensions in the order they must run: tokens before parse, rules before validate."""
    rules: list[type[ASTValidationRule]] = [
        create_validator(settings.graphql_max_depth, None, None)
    ]
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    max_tokens = settings.graphql_max_tokens
    return [
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: AddValidationRules(rules),
        lambda: ParserCache(maxsize=CACHE_SIZE),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
    ]
