"""The sandbox's checks of ``targeting`` (restrictive) and ``feed_targeting`` (preferential).

From the Page post reference (v15, mirrored by the v26 SDK's param types): ``targeting``
takes ``age_min`` in {13, 15, 18, 21, 25}, ``geo_locations`` (countries, regions ≤ 200,
cities ≤ 250, zips) and ``locales``; ``feed_targeting`` takes ``age_min`` ≥ 13,
``age_max`` ≤ 65, ``genders`` (1 male, 2 female), ``geo_locations`` without zips…
A region key must be one the sandbox's targeting search gives (``sandbox_regions.py``).
"""

from __future__ import annotations

from typing import Any

from plugins.facebook.sandbox_graph import as_json, bad_param
from plugins.facebook.sandbox_regions import check_region_keys

AGE_MIN_VALUES = frozenset({13, 15, 18, 21, 25})
_GEO = {"countries", "regions", "cities", "zips"}
_LIMITS = {"regions": 200, "cities": 250}


def _geo(doc: Any, name: str, *, zips: bool) -> None:
    if not isinstance(doc, dict) or not doc:
        raise bad_param(f"{name}.geo_locations must be a non-empty object")
    allowed = _GEO if zips else _GEO - {"zips"}
    for key in doc:
        if key not in allowed:
            raise bad_param(f"{name}.geo_locations.{key} is not supported")
    countries = doc.get("countries", [])
    if not isinstance(countries, list) or not all(
        isinstance(c, str) and len(c) == 2 for c in countries
    ):
        raise bad_param(f"{name}.geo_locations.countries must be ISO 3166 alpha-2 codes")
    for kind in ("regions", "cities", "zips"):
        rows = doc.get(kind, [])
        if not isinstance(rows, list) or not all(
            isinstance(r, dict) and isinstance(r.get("key"), str) and r["key"] for r in rows
        ):
            raise bad_param(f"{name}.geo_locations.{kind} must be a list of {{key}}")
        if len(rows) > _LIMITS.get(kind, 2500):
            raise bad_param(f"{name}.geo_locations.{kind}: at most {_LIMITS[kind]}")
        if kind == "regions":
            check_region_keys(rows, name)
            if rows and "VN" in countries:  # every region the sandbox knows is in Vietnam
                raise bad_param(
                    f"{name}.geo_locations: locations overlap (a region inside a listed country)"
                )


def check_targeting(value: Any) -> dict[str, Any]:
    doc = as_json(value, "targeting")
    if not isinstance(doc, dict):
        raise bad_param("targeting must be an object")
    for key in doc:
        if key not in ("age_min", "geo_locations", "locales"):
            raise bad_param(f"targeting.{key} is not supported; use feed_targeting")
    if "age_min" in doc and doc["age_min"] not in AGE_MIN_VALUES:
        raise bad_param("targeting.age_min must be one of 13, 15, 18, 21, 25")
    if "geo_locations" in doc:
        _geo(doc["geo_locations"], "targeting", zips=True)
    return doc


def check_feed_targeting(value: Any) -> dict[str, Any]:
    doc = as_json(value, "feed_targeting")
    allowed = {
        "age_min",
        "age_max",
        "genders",
        "geo_locations",
        "locales",
        "education_statuses",
        "relationship_statuses",
        "interests",
    }
    if not isinstance(doc, dict):
        raise bad_param("feed_targeting must be an object")
    for key in doc:
        if key not in allowed:
            raise bad_param(f"feed_targeting.{key} is not supported")
    low, high = doc.get("age_min", 13), doc.get("age_max", 65)
    if not isinstance(low, int) or not isinstance(high, int) or not 13 <= low <= high <= 65:
        raise bad_param("feed_targeting ages must satisfy 13 <= age_min <= age_max <= 65")
    genders = doc.get("genders", [])
    if not isinstance(genders, list) or not set(genders) <= {1, 2}:
        raise bad_param("feed_targeting.genders takes 1 (male) and 2 (female)")
    if "geo_locations" in doc:
        _geo(doc["geo_locations"], "feed_targeting", zips=False)
    return doc
