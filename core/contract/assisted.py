"""Assisted delivery: a channel answers "an operator must do this" instead of sending.

Some channels have no API Loa may call (a national app's news feed: police operators post in
the government's own system). Such a channel's ``publish``, ``update`` or ``retract`` raises
:class:`AssistRequired` with an :class:`AssistedTask`: the instructions, the files of the
kit and the role that must act. Core turns it into a task assigned to that role on the
target's unit (the rendered payload and the chosen media renditions join the kit), escalates
it to the unit above when it is overdue, and when an operator records the outcome (the remote
id or link) the delivery completes like any other: same states, audit entries, placement, and
a later update or take-down of the item goes to the channel again (and becomes a task again).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.contract.channels import ChannelError
from core.contract.media import MediaFile

#: How long an operator has before the task goes to the same role on the unit above.
DEFAULT_DUE = dt.timedelta(hours=24)


@dataclass(frozen=True)
class KitFile:
    """A file of the kit (``bai-viet.html``, ``doi-tuong.txt``…), made by the channel: text,
    or bytes in ``data`` for a binary file (a letter as PDF); ``text`` is then left empty."""

    name: str
    content_type: str
    text: str
    data: bytes = b""


@dataclass(frozen=True)
class AssistedTask:
    """What the operator must do and with what.

    ``role`` is a role name (``police``, ``channel_admin``…) held on the target's unit or one
    above it; ``due_in`` is how long each holder has before the task escalates. ``files`` are
    the channel's own; core adds the rendered payload (``payload.json``, ``text.txt``) and,
    unless ``media`` names others, the renditions the render chose (``Rendered.files``).
    """

    title: str
    instructions: str
    role: str = "channel_admin"
    due_in: dt.timedelta = DEFAULT_DUE
    files: tuple[KitFile, ...] = ()
    media: tuple[MediaFile, ...] = ()


class AssistRequired(ChannelError):
    """Raised by ``publish``/``update``/``retract``: a person must do this one (``task``).

    Not an error of the delivery: it waits in the ``assisted`` state until the outcome is
    recorded. Raise it before sending anything."""

    kind = "assisted"

    def __init__(self, task: AssistedTask) -> None:
        super().__init__(task.title)
        self.task = task
