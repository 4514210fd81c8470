"""Facebook region keys resolved live, by the targeting search, one old province at a time.

Facebook's region keys for Vietnam follow the 63 provinces from before 2025 and are opaque:
only ``GET /search?type=adgeolocation&location_types=["region"]&country_code=VN&q=<name>``
gives them. Each old province is searched by its English name (``facebook_name`` in
``provinces_2025.tsv`` where Facebook's spelling is known to differ, else the Vietnamese name
without diacritics and without "Tỉnh"/"Thành phố") and takes a key only when exactly one
Vietnamese ``region`` row has the same normalised name: no key is ever guessed. A province
with no such row is *unmatched*; one whose search failed (Facebook unreachable, rate limited,
the token refused for search) is *pending* and searched again at the next credentials check.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core import ChannelError
from plugins.facebook.audience import province_rows

if TYPE_CHECKING:
    from plugins.facebook.client import GraphClient

_PREFIXES = ("thanh pho ", "tinh ")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def plain(text: str) -> str:
    """Diacritic-free lower case, ``đ`` as ``d``, single spaces, without the unit's prefix."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = " ".join(text.split())
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def same_name(a: str, b: str) -> bool:
    """Names equal once diacritics, case, spaces and punctuation are dropped."""
    return _NOT_ALNUM.sub("", plain(a)) == _NOT_ALNUM.sub("", plain(b))


def search_names() -> dict[str, str]:
    """Old province code → the name to search Facebook for (its alias, or its plain name)."""
    out: dict[str, str] = {}
    for row in province_rows():
        alias = row.get("facebook_name", "")
        out[row["province_old"]] = alias or plain(row["province_old_name"]).title()
    return out


@dataclass
class Lookup:
    """What a round of searches found: keys, provinces with no region, provinces not searched."""

    keys: dict[str, str] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


def pick(rows: Iterable[Mapping[str, object]], name: str, country: str = "VN") -> str | None:
    """The key of the one region row named ``name`` in ``country``; None if none or several."""
    keys = {
        str(row.get("key"))
        for row in rows
        if row.get("type") == "region"
        and row.get("country_code") == country
        and row.get("key")
        and same_name(str(row.get("name", "")), name)
    }
    return keys.pop() if len(keys) == 1 else None


async def resolve(client: GraphClient, codes: Iterable[str]) -> Lookup:
    """Search Facebook for each old province in ``codes``; stop at the first failed search.

    A failed search leaves that province and the rest *pending* (one request, not 63 that
    would fail alike); it never stops a connection or a credentials check.
    """
    names, found = search_names(), Lookup()
    todo = [code for code in codes if code in names]
    for index, code in enumerate(todo):
        try:
            rows = await client.search_regions(names[code])
        except ChannelError:
            found.pending = todo[index:]
            break
        key = pick(rows, names[code])
        if key is None:
            found.unmatched.append(code)
        else:
            found.keys[code] = key
    return found
