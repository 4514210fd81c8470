"""Loa's core: the public API that plugins may import.

Plugins import from ``core`` (this module) only; everything else in the
package is internal and may change without notice.
"""

from core.content.validation import sanitise_html
from core.contract.assisted import AssistedTask, AssistRequired, KitFile
from core.contract.channels import (
    AUDIENCE_FIELDS,
    Audience,
    AuthError,
    BansAuthors,
    Capabilities,
    Channel,
    ChannelError,
    CitizenComment,
    ContentRefused,
    DeletesComments,
    DestinationRefused,
    HoldsComments,
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
from core.contract.costs import Allowance, Cost, Costed
from core.contract.credentials import Connectable, Credentials, Health
from core.contract.declarations import AGENCY_LEADER_GATE, ApprovalGate, ChannelDeclaration
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
from core.contract.plugin_context import PluginContext, PublishedContent
from core.contract.preview import Preview
from core.contract.replies import Replies
from core.contract.setup import Checkable, Configurable, FieldType, SettingField
from core.contract.webhooks import (
    CommentEvent,
    InboundRequest,
    MessageEvent,
    StatusEvent,
    WebhookEvent,
    WebhookRefused,
    Webhooks,
    hub_challenge,
    require_sha256_signature,
    sha256_signature,
)
from core.edge.etag import conditional
from core.hookspecs import hookimpl
from core.outbound import outbound_client
from core.outbound.retry_after import retry_after
from core.settings import Secret, Settings

__all__ = [
    "AGENCY_LEADER_GATE",
    "AUDIENCE_FIELDS",
    "Allowance",
    "ApprovalGate",
    "AssistRequired",
    "AssistedTask",
    "Audience",
    "AuthError",
    "BansAuthors",
    "Capabilities",
    "Channel",
    "ChannelDeclaration",
    "ChannelError",
    "Checkable",
    "CitizenComment",
    "CommentEvent",
    "Configurable",
    "Connectable",
    "ContentRefused",
    "Cost",
    "Costed",
    "Credentials",
    "DeletesComments",
    "DestinationRefused",
    "FieldType",
    "Health",
    "HoldsComments",
    "InboundRequest",
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
    "MessageEvent",
    "OutcomeUnknown",
    "PermanentError",
    "PluginContext",
    "Preview",
    "PublishedContent",
    "RateLimited",
    "Remote",
    "Rendered",
    "Rendition",
    "Replies",
    "Secret",
    "SettingField",
    "Settings",
    "StatusEvent",
    "Target",
    "TransientError",
    "WebhookEvent",
    "WebhookRefused",
    "Webhooks",
    "conditional",
    "hookimpl",
    "hub_challenge",
    "outbound_client",
    "require_sha256_signature",
    "retry_after",
    "sanitise_html",
    "sha256_signature",
]
