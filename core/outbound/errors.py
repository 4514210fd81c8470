"""How a call to the outside fails: the errors a channel raises, and the outbound guard's refusal.

Part of the channel contract (re-exported by :mod:`core.contract.channels` and ``core``). They live
here, below the contract, because the outbound guard itself raises :class:`DestinationRefused`.
``kind`` is stored on the delivery; ``retry`` says whether the delivery is tried again.
"""

from __future__ import annotations

from typing import ClassVar


class ChannelError(Exception):
    """Base of every error a channel may raise; ``kind`` is stored on the delivery."""

    kind: ClassVar[str] = "error"
    retry: ClassVar[bool] = False


class TransientError(ChannelError):
    kind = "transient"
    retry = True


class RateLimited(TransientError):
    kind = "rate_limited"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthError(ChannelError):
    kind = "auth"


class PermanentError(ChannelError):
    kind = "permanent"


class OutcomeUnknown(ChannelError):
    """The request left and no answer came back: it may or may not have landed."""

    kind = "unknown"
    retry = True


class ContentRefused(PermanentError):
    """Loa itself refuses to send this payload (moderation, validation)."""

    kind = "refused"


class DestinationRefused(PermanentError):
    """Loa itself refuses to connect: the target's address is not public (``core.outbound``)."""

    kind = "destination"
