"""Loa's core: the public API that plugins may import.

Plugins import from ``core`` (this module) only; everything else in the
package is internal and may change without notice.
"""

from core.channels import (
    AUDIENCE_FIELDS,
    Audience,
    AuthError,
    Capabilities,
    Channel,
    ChannelError,
    CitizenComment,
    ContentRefused,
    DestinationRefused,
    Interactions,
    Item,
    ItemImage,
    OutcomeUnknown,
    PermanentError,
    RateLimited,
    Remote,
    Rendered,
    Target,
    TransientError,
)
from core.content.validation import sanitise_html
from core.edge.etag import conditional
from core.hookspecs import hookimpl
from core.outbound import outbound_client
from core.settings import Secret, Settings

__all__ = [
    "AUDIENCE_FIELDS",
    "Audience",
    "AuthError",
    "Capabilities",
    "Channel",
    "ChannelError",
    "CitizenComment",
    "ContentRefused",
    "DestinationRefused",
    "Interactions",
    "Item",
    "ItemImage",
    "OutcomeUnknown",
    "PermanentError",
    "RateLimited",
    "Remote",
    "Rendered",
    "Secret",
    "Settings",
    "Target",
    "TransientError",
    "conditional",
    "hookimpl",
    "outbound_client",
    "sanitise_html",
]
