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
from core.contract.assisted import AssistedTask, AssistRequired, KitFile
from core.contract.costs import Allowance, Cost, Costed
from core.contract.fit import MediaUnfit
from core.contract.media import (
    ItemMedia,
    MediaAccepts,
    MediaFile,
    MediaProblem,
    MediaRule,
    MediaUnavailable,
    Rendition,
)
from core.contract.preview import Preview
from core.hookspecs import hookimpl
from core.outbound import outbound_client
from core.settings import Secret, Settings

__all__ = [
    "AUDIENCE_FIELDS",
    "Allowance",
    "AssistRequired",
    "AssistedTask",
    "Audience",
    "AuthError",
    "Capabilities",
    "Channel",
    "ChannelError",
    "CitizenComment",
    "ContentRefused",
    "Cost",
    "Costed",
    "DestinationRefused",
    "Interactions",
    "Item",
    "ItemImage",
    "ItemMedia",
    "KitFile",
    "MediaAccepts",
    "MediaFile",
    "MediaProblem",
    "MediaRule",
    "MediaUnavailable",
    "MediaUnfit",
    "OutcomeUnknown",
    "PermanentError",
    "Preview",
    "RateLimited",
    "Remote",
    "Rendered",
    "Rendition",
    "Secret",
    "Settings",
    "Target",
    "TransientError",
    "hookimpl",
    "outbound_client",
    "sanitise_html",
]
