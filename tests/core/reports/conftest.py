"""Report fixtures: rows through the models, and a management API client."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.context import Context
from tests.core.reports.support import Rows


@pytest.fixture
def rows(ctx: Context, tree: dict[str, Any]) -> Rows:
    return Rows(ctx, tree)


@pytest.fixture
def management(ctx: Context) -> Iterator[TestClient]:
    from core.graphql import management_app

    with TestClient(management_app(ctx), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def gql() -> Callable[..., Any]:
    """``gql(client, query, token=None, **variables)``: POST, return the decoded body."""

    def run(client: TestClient, query: str, token: str | None = None, **variables: Any) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = client.post("/", json={"query": query, "variables": variables}, headers=headers)
        return response.json()

    return run
