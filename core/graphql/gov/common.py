"""What every government content type's GraphQL shares: the reader's view (public or an
editor), the unit argument, and the outcome of publish and withdraw."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import strawberry
from sqlalchemy.orm import Session

from core.auth.permissions import Actor
from core.db import utcnow
from core.errors import LoaError
from core.govcontent import editing
from core.govcontent.editing import Kind, unit_of
from core.govcontent.models import Publication
from core.graphql.errors import names_something
from core.graphql.request import RequestContext
from core.graphql.types.media import Urls
from core.graphql.types.payloads import Failure, failure
from core.units.models import Unit

Info = strawberry.Info[RequestContext, Any]
T = TypeVar("T")

UNIT_HELP = (
    "The unit's official code (mã đơn vị hành chính of the 2025 scheme, e.g. 14932 for "
    "Xã Cẩm Thủy): list them with the `units` query."
)

strawberry.enum(Publication, name="PublicationState", description="Where an item is in its life.")

#: The values of ``Publication`` (defined outside the API layer): described here.
PUBLICATION_VALUES = {
    "DRAFT": "Nháp: being written; only editors of the unit see it.",
    "PUBLISHED": "Đã đăng: public (inside its window, for an item that has one).",
    "WITHDRAWN": "Đã gỡ: taken out of public by an editor; kept, never deleted.",
    "EXPIRED": "Hết hạn: its window closed (visibleUntil passed) and Loa took it down.",
}

STATE_HELP = "Its publication state; the public API shows PUBLISHED items only."


def describe_values(enum_type: Any, descriptions: dict[str, str]) -> None:
    """Give the values of an enum registered with ``strawberry.enum`` their descriptions, for an
    enum class that lives outside the API layer (so ``strawberry.enum_value`` cannot be used)."""
    for value in enum_type.__strawberry_definition__.values:
        value.description = descriptions[value.name]


describe_values(Publication, PUBLICATION_VALUES)


@strawberry.enum(description="A government content type, for publish and withdraw.")
class GovContentKind(enum.Enum):
    LEGAL_DOCUMENT = "legal_document"
    BANNER = "banner"
    SCHEDULE_SLOT = "schedule_slot"
    DIRECTORY_ENTRY = "directory_entry"
    UNIT_PROFILE = "unit_profile"
    OFFICIAL_CHANNEL = "official_channel"
    MENU_ITEM = "menu_item"
    CAMPAIGN_SECTION = "campaign_section"


@dataclass(frozen=True)
class View:
    """Who reads: the anonymous public (published only, public URLs) or an editor."""

    actor: Actor | None
    urls: Urls
    now: dt.datetime
    base_url: str


def view(info: Info) -> View:
    rc = info.context
    sealer = rc.ctx.sealer if rc.actor is not None else None  # drafts' media: signed URLs
    base = rc.ctx.settings.base_url
    return View(rc.actor, Urls(base, sealer), utcnow(), base)


def read_unit(info: Info, code: str) -> Unit:
    """The unit of the ``unit`` argument; an unknown code is an error naming that argument."""
    with names_something("unit"), info.context.read() as session:
        return unit_of(session, code)


#: Every expected failure of a government content mutation.
Failures = Failure


def outcome(act: Callable[[], T]) -> T | Any:
    """The action's result, or the typed failure payload for an expected error."""
    try:
        return act()
    except LoaError as exc:
        return failure(exc)


@strawberry.type(description="An item's publication state after publish or withdraw.")
class GovContentState:
    kind: GovContentKind
    id: strawberry.ID
    state: Publication


GovContentStatePayload = Annotated[
    GovContentState | Failures, strawberry.union("GovContentStatePayload")
]


def present(value: Any) -> dict[str, Any]:
    """An input's fields the client gave (``UNSET`` left out), snake_case, IDs as strings."""
    out: dict[str, Any] = {}
    for name, given in vars(value).items():
        if given is strawberry.UNSET:
            continue
        out[name] = given
    return out


def save_with(
    info: Info,
    kind: Kind,
    input: Any,
    unit: str | None,
    uid: strawberry.ID | None,
    wrap: Callable[[Session, Any, View], T],
) -> T | Any:
    """Save ``input`` as a new row of ``unit`` or an edit of ``uid``; ``wrap`` shapes the row."""
    rc = info.context
    assert rc.actor is not None
    actor = rc.actor

    def act() -> T:
        row = editing.save(rc.ctx, actor, kind, present(input), uid=uid, unit_code=unit)
        with rc.read() as session:
            return wrap(session, row, view(info))

    return outcome(act)


def save_resolver(
    kind: Kind, input_type: type, payload: Any, wrap: Callable[[Session, Any, View], Any], noun: str
) -> Callable[..., Any]:
    """The ``save<Type>(input, unit, id)`` resolver of a type: a new row of ``unit`` or an
    edit of ``id``. Its annotations are set here, from the type's own input and payload."""

    def resolve(info: Info, input: Any, unit: str | None = None, id: Any = None) -> Any:
        return save_with(info, kind, input, unit, id, wrap)

    resolve.__annotations__ = {
        "info": Info,
        "input": input_type,
        "unit": Annotated[str | None, strawberry.argument(description=f"For a new {noun}.")],
        "id": Annotated[strawberry.ID | None, strawberry.argument(description="To edit one.")],
        "return": payload,
    }
    return resolve
