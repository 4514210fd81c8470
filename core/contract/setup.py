"""How a channel is set up by a channel admin: its settings form and its connection check.

A channel that declares :class:`Configurable` gets a form generated from ``settings_schema``
in the admin (one field per :class:`SettingField`, rendered by its type); ``secret`` fields
are write-only there: never echoed back, shown only as set or not. A channel that declares
:class:`Checkable` can be asked, by a channel admin, whether its target answers with the
stored settings and credentials (``check_connection``): it returns a short note for the
admin or raises a channel error (``AuthError``: the credentials are refused).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from core.contract.channels import Target


class FieldType(enum.StrEnum):
    STRING = "string"
    URL = "url"
    INT = "int"
    BOOL = "bool"
    ENUM = "enum"
    SECRET = "secret"


@dataclass(frozen=True)
class SettingField:
    """One setting (or, typed ``secret``, one credential) of a channel's targets.

    ``label`` is Vietnamese, ``label_en`` English; ``choices`` lists an ``enum``'s values;
    ``default`` is what the channel assumes when the setting is absent.
    """

    key: str
    type: FieldType
    label: str
    label_en: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    default: str | int | bool | None = None
    help: str = ""


@runtime_checkable
class Configurable(Protocol):
    """A channel whose targets' settings form is generated from its own schema."""

    settings_schema: tuple[SettingField, ...]


@runtime_checkable
class Checkable(Protocol):
    """A channel that can check, without publishing, that a target answers."""

    async def check_connection(self, target: Target) -> str:
        """A short note (Vietnamese first) when the target answers; a channel error if not."""
        ...
