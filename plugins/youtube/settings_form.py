"""The YouTube target's settings form (``core.contract.setup``): the Google OAuth client,
how videos go out, and the project's quota.

The access and refresh tokens are not typed in: the consent flow stores them.
"""

from __future__ import annotations

from core import FieldType, SettingField
from plugins.youtube.limits import CATEGORIES, NEWS_CATEGORY, PRIVACY, QUOTA_MODELS

SCHEMA = (
    SettingField(
        "client_id",
        FieldType.STRING,
        "Mã OAuth client của Google",
        "Google OAuth client id",
        required=True,
    ),
    SettingField(
        "client_secret", FieldType.SECRET, "Khoá OAuth client", "OAuth client secret", required=True
    ),
    SettingField(
        "privacy",
        FieldType.ENUM,
        "Chế độ hiển thị",
        "Privacy",
        choices=tuple(sorted(PRIVACY)),
        default="public",
    ),
    SettingField(
        "category_id",
        FieldType.ENUM,
        "Danh mục video",
        "Video category",
        choices=tuple(sorted(CATEGORIES, key=int)),
        default=NEWS_CATEGORY,
    ),
    SettingField(
        "on_window_close",
        FieldType.ENUM,
        "Khi hết thời hạn hiển thị",
        "When the viewing window closes",
        choices=("private", "delete"),
        default="private",
    ),
    SettingField(
        "quota_model",
        FieldType.ENUM,
        "Cách tính hạn mức",
        "Quota model",
        choices=tuple(sorted(QUOTA_MODELS)),
        default="bucketed",
    ),
    SettingField(
        "daily_units", FieldType.INT, "Đơn vị hạn mức mỗi ngày", "Quota units a day", default=10_000
    ),
    SettingField(
        "daily_inserts", FieldType.INT, "Số video tải lên mỗi ngày", "Uploads a day", default=100
    ),
    SettingField(
        "testing_mode",
        FieldType.BOOL,
        "Dự án Google đang ở chế độ thử",
        "Google project in testing mode",
        default=False,
    ),
    SettingField("api_base", FieldType.URL, "Địa chỉ API", "API base URL"),
    SettingField("token_url", FieldType.URL, "Địa chỉ cấp token", "Token URL"),
    SettingField("auth_url", FieldType.URL, "Địa chỉ trang đồng ý", "Consent page URL"),
)
