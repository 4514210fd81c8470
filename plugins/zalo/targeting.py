"""Loa's audience → Zalo's broadcast ``target`` (gender, age buckets, pre-2025 cities).

Zalo's ``cities`` are the 63 provinces from before the 2025 reform, numbered by Zalo itself
(0–62). ``cities.csv`` maps each 2025 province to the pre-2025 provinces it took over
(from the ``vietnamadminunits`` package's ``converter_2025.json``) and to Zalo's number where a
source gives it (the ``@warriorteam/redai-zalo-sdk`` 1.32.17 table, named in the file's ``#``
header: numbers 0–40 of 0–62); a blank number is not known yet, and an item restricted to such
a province is not broadcast (said before approval).
A commune restricts no finer than its whole former province(s).
"""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from core import Audience

#: Zalo's age buckets: code → (lowest, highest) age.
AGE_BUCKETS = {
    0: (0, 12),
    1: (13, 17),
    2: (18, 24),
    3: (25, 34),
    4: (35, 44),
    5: (45, 54),
    6: (55, 64),
    7: (65, 200),
}
GENDERS = {"male": "1", "female": "2"}
CITIES_FILE = Path(__file__).with_name("cities.csv")


@dataclass(frozen=True)
class Targeting:
    """The broadcast's ``target`` (empty: every follower), and what it could not say exactly."""

    target: dict[str, str]
    notes: tuple[str, ...] = ()
    #: A restriction Zalo cannot express: broadcasting would reach people the item excludes.
    blocked: str = ""


@cache
def _cities() -> dict[str, list[tuple[str, str]]]:
    """2025 province code → [(pre-2025 province name, Zalo city number or "")]."""
    out: dict[str, list[tuple[str, str]]] = {}
    with CITIES_FILE.open(encoding="utf-8") as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            out.setdefault(row["province_2025"], []).append((row["legacy_name"], row["zalo_city"]))
    return out


@cache
def _province_of_commune() -> dict[str, str]:
    path = resources.files("vietnamadminunits") / "data" / "dataset.db"
    with resources.as_file(path) as file, sqlite3.connect(f"file:{file}?mode=ro", uri=True) as db:
        return dict(db.execute("SELECT wardCode, provinceCode FROM admin_units"))


def province_of(unit_code: str) -> str | None:
    """The 2025 province of a 2025 province or commune code; None for the nation or unknown."""
    if unit_code in _cities():
        return unit_code
    return _province_of_commune().get(unit_code)


def _ages(audience: Audience) -> tuple[str, tuple[str, ...]]:
    low, high = audience.age_min, audience.age_max
    if low is None and high is None:
        return "", ()
    lo, hi = low if low is not None else 0, high if high is not None else 200
    codes = [c for c, (a, b) in AGE_BUCKETS.items() if b >= lo and a <= hi]
    exact = bool(codes) and AGE_BUCKETS[codes[0]][0] == lo and AGE_BUCKETS[codes[-1]][1] == hi
    notes = (
        ()
        if exact or not codes
        else (
            f"độ tuổi {lo}–{hi} được làm tròn theo nhóm tuổi của Zalo "
            f"(ages {lo}–{hi} rounded to Zalo's age buckets)",
        )
    )
    return ",".join(str(c) for c in codes), notes


def compile_target(audience: Audience) -> Targeting:
    target: dict[str, str] = {}
    notes: list[str] = []
    ages, age_notes = _ages(audience)
    if ages:
        target["ages"] = ages
        notes.extend(age_notes)
    genders = {g for g in audience.genders if g in GENDERS}
    if len(genders) == 1:
        target["gender"] = GENDERS[genders.pop()]
    elif audience.genders and "other" not in audience.genders and len(set(audience.genders)) < 3:
        notes.append("Zalo chỉ lọc nam hoặc nữ (Zalo filters male or female only)")
    if audience.scope_level == "national" or not audience.scope_units:
        return Targeting(target, tuple(notes))
    cities: set[str] = set()
    for code in audience.scope_units:
        province = province_of(code)
        if province is None:
            return Targeting(
                target, tuple(notes), f"không rõ tỉnh của đơn vị {code} (unknown unit)"
            )
        for name, number in _cities()[province]:
            if not number:
                return Targeting(
                    target,
                    tuple(notes),
                    f"chưa có mã Zalo của {name} (no Zalo city code known for {name})",
                )
            cities.add(number)
        if province != code:
            notes.append(
                "Zalo chỉ lọc theo tỉnh cũ: tin đến cả tỉnh (Zalo targets whole pre-2025 provinces)"
            )
    target["cities"] = ",".join(sorted(cities, key=int))
    return Targeting(target, tuple(dict.fromkeys(notes)))
