"""Loa's audience compiled to Facebook's two kinds of targeting, and what each cannot do.

``targeting`` **restricts** (people outside it cannot see the post): ``age_min`` in
{13, 15, 18, 21, 25} and ``geo_locations.regions``. ``feed_targeting`` is **preferential**
(people in it are more likely to see it): ``age_max`` (≤ 65) and ``genders``. The notes say
which is which, Vietnamese first, for the fidelity report before approval.

Geography: Facebook's region keys follow the 63 provinces from before 2025 (reference §2.3);
Loa's units are the 2025 ones. ``provinces_2025.tsv`` maps each 2025 province to the old
provinces it took over (from ``vietnamadminunits`` 1.0.4, Resolution 202/2025/QH15), and
``communes_2025.tsv`` each 2025 commune to its province. A commune is widened to its province's
old provinces: Facebook has no commune key. Facebook's keys are opaque (its ``adgeolocation``
search gives them): the table's key column stays empty until someone fills it in, and a target
may carry its own (setting ``region_keys``: old province code → key). Where a key is missing the
post is not restricted by area and the notes say so, since an unknown key would make Facebook
refuse the post.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from core import Audience

AGE_MIN_VALUES = (13, 15, 18, 21, 25)
FEED_AGE_MAX = 65
GENDERS = {"male": 1, "female": 2}


@dataclass(frozen=True)
class Compiled:
    targeting: dict[str, Any] | None
    feed_targeting: dict[str, Any] | None
    notes: tuple[str, ...] = field(default=())


def _rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("plugins.facebook") / name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


@functools.cache
def province_rows() -> tuple[dict[str, str], ...]:
    """The rows of ``provinces_2025.tsv``: one per old province, with its 2025 province."""
    return tuple(_rows("provinces_2025.tsv"))


@functools.cache
def old_provinces() -> dict[str, tuple[str, ...]]:
    """2025 province code → the codes of the old provinces it took over."""
    out: dict[str, list[str]] = {}
    for row in province_rows():
        out.setdefault(row["province_2025"], []).append(row["province_old"])
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def commune_provinces() -> dict[str, str]:
    return {row["commune_2025"]: row["province_2025"] for row in _rows("communes_2025.tsv")}


def _old(units: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The old provinces covering ``units`` (province or commune codes), and unknown codes."""
    found: list[str] = []
    unknown: list[str] = []
    provinces, communes = old_provinces(), commune_provinces()
    for code in units:
        province = code if code in provinces else communes.get(code)
        if province is None:
            unknown.append(code)
            continue
        found.extend(k for k in provinces[province] if k not in found)
    return found, unknown


def _geo(
    audience: Audience, unit_code: str, keys: Mapping[str, str], notes: list[str]
) -> dict[str, Any] | None:
    units = tuple(audience.scope_units or (unit_code,))
    old, unknown = _old(units)
    if unknown:
        notes.append(
            "Không ánh xạ được đơn vị " + ", ".join(unknown) + " sang vùng của Facebook: bài"
            " không bị giới hạn theo địa bàn (no Facebook region for these units: the post is"
            " not restricted by area)."
        )
        return None
    missing = [code for code in old if not keys.get(code)]
    if missing:
        names = {row["province_old"]: row["province_old_name"] for row in province_rows()}
        named = ", ".join(f"{names.get(code, code)} ({code})" for code in missing)
        notes.append(
            f"Không có vùng Facebook cho {named}: bài không bị giới hạn theo địa bàn"
            f" (not restricted by area: no Facebook region for {named})."
        )
        return None
    if audience.scope_level == "commune":
        notes.append(
            "Facebook chỉ giới hạn được theo tỉnh (cũ): bài hiển thị cho cả tỉnh chứa"
            " xã/phường (Facebook restricts by old province only: the commune is widened"
            " to its province)."
        )
    # Regions only: a country listed with regions inside it overlaps, which Graph refuses.
    return {"regions": [{"key": keys[code]} for code in old]}


def compile_audience(
    audience: Audience, unit_code: str, region_keys: Mapping[str, str] | None = None
) -> Compiled:
    """``region_keys``: old province code → Facebook key, as the target stored them."""
    targeting: dict[str, Any] = {}
    feed: dict[str, Any] = {}
    notes: list[str] = []
    if audience.scope_level != "national":
        geo = _geo(audience, unit_code, region_keys or {}, notes)
        if geo is not None:
            targeting["geo_locations"] = geo
    if audience.age_min is not None and audience.age_min > 13:
        floor = next((v for v in AGE_MIN_VALUES if v >= audience.age_min), AGE_MIN_VALUES[-1])
        targeting["age_min"] = floor
        if floor != audience.age_min:
            notes.append(
                f"Tuổi tối thiểu {audience.age_min} được làm tròn thành {floor} (bắt buộc);"
                f" Facebook only restricts by 13, 15, 18, 21 or 25 (age minimum {floor} enforced)."
            )
        if audience.age_min > floor:
            feed["age_min"] = min(audience.age_min, FEED_AGE_MAX)
    if audience.age_max is not None:
        feed["age_max"] = max(min(audience.age_max, FEED_AGE_MAX), feed.get("age_min", 13))
        feed.setdefault("age_min", max(13, min(audience.age_min or 13, feed["age_max"])))
        notes.append(
            "Tuổi tối đa chỉ là ưu tiên hiển thị, không chặn người lớn tuổi hơn"
            " (age maximum is a feed preference only: older people can still see the post)."
        )
    genders = {g for g in audience.genders if g in GENDERS}
    if genders and genders != set(GENDERS):
        feed["genders"] = sorted(GENDERS[g] for g in genders)
        notes.append(
            "Giới tính chỉ là ưu tiên hiển thị, không chặn (gender is a feed preference only)."
        )
    return Compiled(targeting or None, feed or None, tuple(notes))
