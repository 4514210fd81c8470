"""Scenario fixtures: the portal sandbox and worker of the delivery tests, people with roles."""

from __future__ import annotations

from typing import Any

import pytest

from core.auth.models import Role
from core.auth.permissions import Actor, Grant
from tests.core.delivery.conftest import portal_target, sandbox, worker  # noqa: F401


class People:
    """Actors holding one role each on a unit of the test tree (codes as in tests/conftest.py)."""

    def __init__(self, tree: dict[str, Any]) -> None:
        self.tree = tree

    def __call__(self, name: str, role: Role, code: str) -> Actor:
        return Actor(name=name, grants=(Grant(role, self.tree[code].path),))


@pytest.fixture
def people(tree: dict[str, Any]) -> People:
    return People(tree)
