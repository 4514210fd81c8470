"""The notices' fixtures: accounts enrolled through the real actions, a portal sandbox
and its target, a worker (the same fixtures as the auth and delivery tests)."""

from tests.core.auth.conftest import clock, make_account, web  # noqa: F401
from tests.core.delivery.conftest import portal_target, sandbox, worker  # noqa: F401
