"""The portal target's settings form (``core.contract.setup``): the receiver and its secrets."""

from __future__ import annotations

from core import FieldType, SettingField

SECRET_KEY = "webhook_secret"
#: Optional second secret while a portal rotates keys: both signatures are sent.
NEXT_SECRET_KEY = "webhook_secret_next"

SCHEMA = (
    SettingField(
        "webhook_url",
        FieldType.URL,
        "Địa chỉ nhận webhook của cổng",
        "The portal's webhook receiver URL",
        required=True,
        help="https://…/sites/<xã>/webhook",
    ),
    SettingField(
        SECRET_KEY,
        FieldType.SECRET,
        "Khoá ký webhook",
        "Webhook signing secret",
        required=True,
        help="whsec_<base64>",
    ),
    SettingField(
        NEXT_SECRET_KEY,
        FieldType.SECRET,
        "Khoá ký mới (khi đổi khoá)",
        "Next signing secret (while rotating)",
    ),
)
