"""The delivery tests' portal sandbox, target and worker: comments are read from a live item."""

from tests.core.delivery.conftest import portal_target, sandbox, worker

__all__ = ["portal_target", "sandbox", "worker"]
