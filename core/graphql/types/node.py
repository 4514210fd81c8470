"""Relay's ``Node`` interface and its global ids: any public object refetched by one id.

A global id is ``base64url("<Type>:<key>")``, opaque to clients: the key is the object's
stable public reference (an article's UUID, a unit's code, a category's slug), never a
row id, so an id survives a database restore or a re-import.
"""

from __future__ import annotations

import base64
import binascii

import strawberry

#: The types a global id may name; ``node(id)`` answers null for any other.
NODE_TYPES = ("Article", "Unit", "Category")


@strawberry.interface(
    description="An object with a global id, refetchable with `node(id:)` (Relay). "
    "Đối tượng có mã toàn cục."
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="Global id: opaque, stable, unique across every type. Mã toàn cục."
    )


def global_id(type_name: str, key: str) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode())


def parse_global_id(value: str) -> tuple[str, str] | None:
    """``(type, key)`` of a global id this API issued; None for anything else."""
    if not value or len(value) > 400:
        return None
    try:
        text = base64.urlsafe_b64decode(value.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, sep, key = text.partition(":")
    if not sep or type_name not in NODE_TYPES or not key:
        return None
    return type_name, key
