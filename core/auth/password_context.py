"""Words an attacker tries first against one account: its names, its units, the office.

A password made mostly of these ("ubnd-cam-thuy-2026", "Loa@ThanhHoa1") falls to a
targeted guess even when no list of common passwords holds it (issue 8). The words are
the username and display name, every unit the account holds a role on with the units
above it (name, short name, code), and what any office's account would use.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.auth.models import RoleMembership, User
from core.text import fold
from core.units.models import Unit

#: Folded; what an office's or this product's password is built from.
GENERIC = (
    "ubnd",
    "uybannhandan",
    "uyban",
    "nhandan",
    "hdnd",
    "hoidongnhandan",
    "loa",
    "loaphuong",
    "vneid",
    "congan",
    "chinhquyen",
    "vanphong",
    "quantri",
    "admin",
    "matkhau",
    "password",
    "phuong",
    "thanhpho",
    "tinh",
    "vietnam",
)

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def letters(text: str) -> str:
    """NFC, lower case, diacritics folded (đ→d), only letters and digits: "Cẩm Thủy" → "camthuy"."""
    return _NOT_ALNUM.sub("", fold(text))


def words_for(session: Session, user: User) -> list[str]:
    words = [user.username, user.display_name]
    for name in (user.username, user.display_name):  # "Nguyễn Văn An": nguyen, van too
        words += [w for w in _NOT_ALNUM.split(fold(name)) if len(w) >= 3]
    paths = session.scalars(
        select(Unit.path)
        .join(RoleMembership, RoleMembership.unit_id == Unit.id)
        .where(RoleMembership.user_id == user.id)
    )
    ids = {int(i) for path in paths for i in path.strip("/").split("/") if i}
    if ids:
        for name, short, code in session.execute(
            select(Unit.name, Unit.short_name, Unit.code).where(Unit.id.in_(ids))
        ):
            words += [name, short, code]
    return [*words, *GENERIC]
