"""People and structure: enrolled accounts (the auth tests' fixtures) and their actors."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from core.auth.actions import actor_for
from core.auth.permissions import Actor
from core.context import Context
from core.db import utcnow
from tests.core.auth.conftest import Account, clock, make_account  # noqa: F401

ActorOf = Callable[..., Actor]


@pytest.fixture
def actor_of(ctx: Context) -> ActorOf:
    """``actor_of(account, stepped_up=True)``: the signed-in account, with a fresh code or not."""

    def of(account: Account, stepped_up: bool = True) -> Actor:
        with ctx.sessions() as session:
            actor = actor_for(session, account.user_id)
        assert actor is not None
        return dataclasses.replace(actor, stepped_up_at=utcnow() if stepped_up else None)

    return of
