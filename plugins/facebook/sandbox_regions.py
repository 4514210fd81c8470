"""The sandbox's targeting search (``GET /search?type=adgeolocation``) over a FAKE region table.

The answer has Facebook's shape (Marketing API Targeting Search; rows as public callers of
it show them): ``{"data": [{"key", "name", "type": "region", "country_code": "VN",
"country_name": "Vietnam", "supports_region": true, "supports_city": true}]}``.

**The keys are invented for the sandbox** (``SANDBOX-R…``: never a real Facebook key; the real
ones are digit strings). The names are the 63 provinces from before 2025 in English as Facebook
spells them where known ("Hanoi", "Ho Chi Minh City", "Thua Thien-Hue"), otherwise without
diacritics. Matching is diacritic-, case- and punctuation-insensitive on a part of the name,
like Facebook's typeahead. ``targeting`` carrying a key not in this table is refused, as
Facebook refuses an unknown location key.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from plugins.facebook.sandbox_graph import bad_param, only

#: The 63 old provinces as the sandbox's Facebook knows them (names in Facebook's English).
NAMES = (
    "An Giang", "Ba Ria-Vung Tau", "Bac Giang", "Bac Kan", "Bac Lieu", "Bac Ninh", "Ben Tre",
    "Binh Dinh", "Binh Duong", "Binh Phuoc", "Binh Thuan", "Ca Mau", "Can Tho", "Cao Bang",
    "Da Nang", "Dak Lak", "Dak Nong", "Dien Bien", "Dong Nai", "Dong Thap", "Gia Lai",
    "Ha Giang", "Ha Nam", "Ha Tinh", "Hai Duong", "Hai Phong", "Hanoi", "Hau Giang",
    "Ho Chi Minh City", "Hoa Binh", "Hung Yen", "Khanh Hoa", "Kien Giang", "Kon Tum",
    "Lai Chau", "Lam Dong", "Lang Son", "Lao Cai", "Long An", "Nam Dinh", "Nghe An",
    "Ninh Binh", "Ninh Thuan", "Phu Tho", "Phu Yen", "Quang Binh", "Quang Nam", "Quang Ngai",
    "Quang Ninh", "Quang Tri", "Soc Trang", "Son La", "Tay Ninh", "Thai Binh", "Thai Nguyen",
    "Thanh Hoa", "Thua Thien-Hue", "Tien Giang", "Tra Vinh", "Tuyen Quang", "Vinh Long",
    "Vinh Phuc", "Yen Bai",
)  # fmt: skip
#: Invented keys, one per name: FAKE, for the sandbox only.
REGIONS = {f"SANDBOX-R{3700 + i}": name for i, name in enumerate(NAMES)}
LOCATION_TYPES = frozenset(
    {"country", "country_group", "region", "city", "zip", "geo_market", "electoral_district"}
)
_SQUASH = re.compile(r"[^a-z0-9]+")


def _squash(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return _SQUASH.sub("", "".join(c for c in text if not unicodedata.combining(c)).lower())


def search(params: dict[str, Any]) -> dict[str, Any]:
    """``type=adgeolocation``: ``q`` required, ``location_types`` a JSON array of known types."""
    only(
        params,
        {"type", "q", "location_types", "country_code", "limit", "locale", "region_id"},
        {"type"},
    )
    if params["type"] != "adgeolocation":
        raise bad_param(f"Unsupported search type: {params['type']}")
    query = str(params.get("q", "")).strip()
    if not query:
        raise bad_param("The parameter q is required")
    kinds = ["country", "region", "city"]
    if "location_types" in params:
        try:
            kinds = json.loads(str(params["location_types"]))
        except ValueError:
            raise bad_param("Param location_types must be a JSON array") from None
        if not isinstance(kinds, list) or not kinds or not set(kinds) <= LOCATION_TYPES:
            raise bad_param("Param location_types must be an array of location types")
    country = str(params.get("country_code", ""))
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise bad_param("Param country_code must be an ISO 3166 alpha-2 code")
    try:
        limit = int(params.get("limit", 25))
    except ValueError:
        raise bad_param("Param limit must be an integer") from None
    if "region" not in kinds or country not in ("", "VN"):
        return {"data": []}
    wanted = _squash(query)
    rows = [
        {
            "key": key,
            "name": name,
            "type": "region",
            "country_code": "VN",
            "country_name": "Vietnam",
            "supports_region": True,
            "supports_city": True,
        }
        for key, name in REGIONS.items()
        if wanted and wanted in _squash(name)
    ]
    return {"data": rows[: max(1, min(limit, 1000))]}


def check_region_keys(rows: list[dict[str, Any]], name: str) -> None:
    for row in rows:
        if row["key"] not in REGIONS:
            raise bad_param(f"{name}.geo_locations.regions: invalid location key {row['key']}")
