"""The Facebook target's settings form (``core.contract.setup``): the Page and the Meta app.

The Page token is not typed in: the consent flow stores it. Region keys (a mapping) are set
through the management API.
"""

from __future__ import annotations

from core import FieldType, SettingField
from plugins.facebook.client import DEFAULT_GRAPH, DEFAULT_VERSION

SCHEMA = (
    SettingField("page_id", FieldType.STRING, "Mã Trang (số)", "Page id (digits)", required=True),
    SettingField("app_id", FieldType.STRING, "Mã ứng dụng Meta", "Meta app id", required=True),
    SettingField("app_secret", FieldType.SECRET, "Khoá ứng dụng", "App secret", required=True),
    SettingField("verify_token", FieldType.SECRET, "Mã xác minh webhook", "Webhook verify token"),
    SettingField(
        "attribution_comment",
        FieldType.BOOL,
        "Bình luận ghi nguồn dưới bài",
        "Attribution comment under each post",
        default=True,
    ),
    SettingField(
        "graph_url", FieldType.URL, "Địa chỉ Graph API", "Graph API URL", default=DEFAULT_GRAPH
    ),
    SettingField(
        "graph_version",
        FieldType.STRING,
        "Phiên bản Graph API",
        "Graph API version",
        default=DEFAULT_VERSION,
    ),
)
