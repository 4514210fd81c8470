"""The audience of a VNeID post (S0.2) in plain Vietnamese words, for the police operator
who enters it in the Ministry's system and for the request letter's four points (S0.4).

Times are shown in Asia/Ho_Chi_Minh, the way an office reads them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from core import Audience, Item

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
GENDER_WORDS = {"male": "Nam", "female": "Nữ", "other": "Giới tính khác"}
LEVEL_WORDS = {"commune": "cấp xã", "province": "cấp tỉnh", "national": "toàn quốc"}


@dataclass(frozen=True)
class AudienceWords:
    """Each S0.2 field as a sentence fragment: age band, genders, scope, window, interactions."""

    ages: str
    genders: str
    scope: str
    window: str
    interactions: str

    def lines(self) -> list[str]:
        return [
            f"Độ tuổi: {self.ages}",
            f"Giới tính: {self.genders}",
            f"Phạm vi: {self.scope}",
            f"Thời gian hiển thị: {self.window}",
            f"Tương tác: {self.interactions}",
        ]


def vn_time(moment: dt.datetime) -> str:
    """``08:00 ngày 01/12/2026`` in Vietnam's time."""
    local = moment.astimezone(VN_TZ)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def vn_date_words(moment: dt.datetime) -> str:
    """``ngày 01 tháng 12 năm 2026``: the date line of an administrative document."""
    local = moment.astimezone(VN_TZ)
    return f"ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def _ages(a: Audience) -> str:
    if a.age_min is not None and a.age_max is not None:
        return f"từ {a.age_min} đến {a.age_max} tuổi"
    if a.age_min is not None:
        return f"từ {a.age_min} tuổi trở lên"
    if a.age_max is not None:
        return f"đến {a.age_max} tuổi"
    return "mọi độ tuổi"


def _genders(a: Audience) -> str:
    if not a.genders or {"male", "female"} <= set(a.genders):
        return "mọi giới tính"
    return ", ".join(GENDER_WORDS.get(g, g) for g in a.genders)


def _unit(item: Item, code: str, name: str) -> str:
    """``Xã Cẩm Thạch (mã 14950)``; ``đơn vị mã 99999`` when no name is known."""
    name = name or (item.unit_name if code == item.unit_code else "")
    return f"{name} (mã {code})" if name else f"đơn vị mã {code}"


def _scope(item: Item) -> str:
    a = item.audience
    level = LEVEL_WORDS.get(a.scope_level, a.scope_level)
    if a.scope_level == "national":
        return "toàn quốc"
    # Core names each unit of the scope (Audience.scope_names, filled on delivery, preview
    # and plan); the item's own unit is named in any case.
    units = a.scope_named() or ((item.unit_code, item.unit_name),)
    return f"{level}: {', '.join(_unit(item, code, name) for code, name in units)}"


def _window(a: Audience) -> str:
    start = f"từ {vn_time(a.visible_from)}" if a.visible_from else "từ khi đăng"
    end = f"đến {vn_time(a.visible_until)}" if a.visible_until else "không thời hạn"
    return f"{start} {end}"


def describe(item: Item) -> AudienceWords:
    a = item.audience
    return AudienceWords(
        ages=_ages(a),
        genders=_genders(a),
        scope=_scope(item),
        window=_window(a),
        interactions=(
            "cho phép người dân bình luận, bày tỏ ý kiến"
            if a.interactions_allowed
            else "không cho phép tương tác"
        ),
    )
