"""The VNeID target's settings form (``core.contract.setup``): assisted or partner mode.

The official letter's fields (a mapping) are set through the management API.
"""

from __future__ import annotations

from core import FieldType, SettingField
from plugins.vneid.webhooks import SECRET

MODES = ("assisted", "partner")
API_KEY = "api_key"

SCHEMA = (
    SettingField(
        "mode",
        FieldType.ENUM,
        "Cách đăng",
        "Mode",
        required=True,
        choices=MODES,
        default="assisted",
        help="assisted: cán bộ đăng thủ công; partner: qua API đối tác",
    ),
    SettingField("api_url", FieldType.URL, "Địa chỉ API đối tác", "Partner API URL"),
    SettingField(API_KEY, FieldType.SECRET, "Khoá API đối tác", "Partner API key"),
    SettingField(SECRET, FieldType.SECRET, "Khoá ký webhook", "Webhook signing secret"),
)
