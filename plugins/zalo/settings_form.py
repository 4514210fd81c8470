"""The Zalo target's settings form (``core.contract.setup``): the app, the OA, its package.

The access and refresh tokens are not typed in: the consent flow stores them.
"""

from __future__ import annotations

from core import FieldType, SettingField

SCHEMA = (
    SettingField("app_id", FieldType.STRING, "Mã ứng dụng Zalo", "Zalo app id", required=True),
    SettingField("app_secret", FieldType.SECRET, "Khoá ứng dụng", "App secret key", required=True),
    SettingField(
        "oa_secret_key", FieldType.SECRET, "Khoá bí mật OA (webhook)", "OA secret key (webhooks)"
    ),
    SettingField("oa_id", FieldType.STRING, "Mã Official Account", "Official Account id"),
    SettingField(
        "retract",
        FieldType.ENUM,
        "Khi gỡ bài",
        "On retract",
        choices=("hide", "remove"),
        default="hide",
    ),
    SettingField(
        "broadcast", FieldType.BOOL, "Gửi broadcast", "Broadcast new articles", default=False
    ),
    SettingField("monthly_articles", FieldType.INT, "Số bài mỗi tháng", "Articles a month"),
    SettingField(
        "monthly_broadcasts", FieldType.INT, "Số broadcast mỗi tháng", "Broadcasts a month"
    ),
    SettingField("api_base", FieldType.URL, "Địa chỉ API", "API base URL"),
    SettingField("oauth_base", FieldType.URL, "Địa chỉ OAuth", "OAuth base URL"),
)
