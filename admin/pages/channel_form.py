"""A channel's settings form, generated from its own schema (``core.contract.setup``).

Each :class:`SettingField` becomes one input by its type; ``secret`` fields are write-only:
the page never sends a stored secret back, only whether it is set, and an empty secret
field leaves the stored one as it is. A channel that declares no schema gets a JSON box
for its settings and ``name=value`` lines for its secrets. Errors are per field, Vietnamese
first, English beside.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from admin.messages import vietnamese
from core.contract.setup import FieldType, SettingField

#: Form field names: prefixed, so a setting can never collide with the page's own fields.
SETTING, SECRET = "s_", "k_"
RAW_SETTINGS, RAW_SECRETS = "settings_json", "secrets_lines"

#: The channels' and the targets' English messages, in Vietnamese (first match wins).
_VI: tuple[tuple[str, str], ...] = (
    (r"is required", "Trường này bắt buộc."),
    (r"must be a whole number", "Phải là số nguyên."),
    (r"must be one of", "Giá trị không nằm trong danh sách."),
    (r"absolute http\(s\) URL", "Phải là địa chỉ http(s) đầy đủ."),
    (r"query string|without a query", "Địa chỉ không được có tham số (?…) hay (#…)."),
    (r"non-public|not a public|private", "Địa chỉ trỏ vào mạng nội bộ: không được phép."),
    (r"whsec_|base64", "Khoá không đúng dạng whsec_<base64>."),
    (r"belong to the old one", "Đổi địa chỉ gửi thì phải nhập khoá mới: khoá cũ thuộc nơi cũ."),
    (r"is not JSON|JSON object", "Phải là một đối tượng JSON."),
    (r"name=value", "Mỗi dòng một cặp tên=giá trị."),
    (r"in use", "Kênh đã được dùng (đã có lần gửi, bài chọn hoặc bình luận): hãy tắt kênh."),
    (r"no connection check", "Kênh này không có chức năng kiểm tra kết nối."),
    (r"cannot be opened", "Không mở được khoá đã lưu: hãy nhập lại khoá."),
    (r"does not connect by consent", "Kênh này không kết nối qua trang đồng ý của nền tảng."),
)


def vi(message: str) -> str:
    for pattern, text in _VI:
        if re.search(pattern, message):
            return text
    return vietnamese(message)


@dataclass
class Parsed:
    settings: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    errors: dict[str, tuple[str, str]] = field(default_factory=dict)

    def fail(self, name: str, english: str) -> None:
        self.errors.setdefault(name, (vi(english), english))


def _value(f: SettingField, raw: str, out: Parsed) -> None:
    name = SETTING + f.key
    if f.type is FieldType.BOOL:
        out.settings[f.key] = raw == "on"
        return
    if not raw:
        if f.required:
            out.fail(name, "is required")
        return
    if f.type is FieldType.INT:
        if not re.fullmatch(r"-?\d+", raw):
            out.fail(name, "must be a whole number")
            return
        out.settings[f.key] = int(raw)
    elif f.type is FieldType.ENUM and raw not in f.choices:
        out.fail(name, f"must be one of {', '.join(f.choices)}")
    elif f.type is FieldType.URL and not re.match(r"https?://[^/?#]+", raw):
        out.fail(name, "must be an absolute http(s) URL")
    else:
        out.settings[f.key] = raw


def parse(
    schema: tuple[SettingField, ...] | None, form: FormData, stored: tuple[str, ...] = ()
) -> Parsed:
    """Settings and the secrets typed in; ``stored``: names of the secrets already set (a
    required secret left empty is then kept, not missing)."""
    out = Parsed()
    if schema is None:
        return _parse_raw(form, out)
    for f in schema:
        raw = form.get((SECRET if f.type is FieldType.SECRET else SETTING) + f.key)
        text = raw.strip() if isinstance(raw, str) else ""
        if f.type is FieldType.SECRET:
            if text:
                out.secrets[f.key] = text
            elif f.required and f.key not in stored:
                out.fail(SECRET + f.key, "is required")
        else:
            _value(f, text, out)
    return out


def _parse_raw(form: FormData, out: Parsed) -> Parsed:
    raw = form.get(RAW_SETTINGS)
    text = raw.strip() if isinstance(raw, str) else ""
    try:
        loaded = json.loads(text) if text else {}
    except ValueError:
        loaded = None
    if isinstance(loaded, dict):
        out.settings = loaded
    else:
        out.fail(RAW_SETTINGS, "is not JSON: write one JSON object")
    lines = form.get(RAW_SECRETS)
    for line in (lines if isinstance(lines, str) else "").splitlines():
        if not line.strip():
            continue
        key, eq, value = line.partition("=")
        if not eq or not key.strip():
            out.fail(RAW_SECRETS, "write one name=value per line")
            continue
        out.secrets[key.strip()] = value.strip()
    return out


def place(
    schema: tuple[SettingField, ...] | None, fields: dict[str, str]
) -> dict[str, tuple[str, str]]:
    """An action's ``ValidationFailed`` fields, put next to the inputs they are about: a
    plugin's message naming one of its settings goes to that setting's input."""
    out: dict[str, tuple[str, str]] = {}
    for key, message in fields.items():
        name = {"settings": RAW_SETTINGS, "secrets": RAW_SECRETS}.get(key, key)
        if key in ("settings", "secrets") and schema is not None:
            name = "form"
            for f in schema:
                if re.search(rf"\b{re.escape(f.key)}\b", message):
                    name = (SECRET if f.type is FieldType.SECRET else SETTING) + f.key
                    break
        out.setdefault(name, (vi(message), message))
    return out
