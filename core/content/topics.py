"""The topics an item may carry (its ``topic`` field), Vietnamese first.

Content vocabulary, so validation can check it without reaching up into workflow; which
topics a channel accepts without a justification is workflow's (``core.workflow.topics``).
"""

from __future__ import annotations

TOPICS: dict[str, str] = {
    "project06": "Đề án 06 (Project 06)",
    "law": "Pháp luật, quy định (laws and regulations)",
    "local_policy": "Chính sách địa phương (local policies)",
    "model_site": "Mô hình điển hình (model sites)",
    "local_promotion": "Quảng bá địa phương (promotion of the locality)",
    "other": "Khác (other)",
}
