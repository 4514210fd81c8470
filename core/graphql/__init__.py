"""GraphQL for Loa: the public read-only schema and the management schema, as ASGI apps.

``public_app(ctx)`` serves ``/graphql``; ``management_app(ctx)`` serves ``/api/graphql``.
"""

from core.graphql.app import management_app, public_app

__all__ = ["management_app", "public_app"]
