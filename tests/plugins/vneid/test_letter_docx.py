"""The editable request letter draws Decree 30's rules, as the PDF does: read in its XML."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from plugins.vneid import letter_docx
from plugins.vneid.letter import MOTTO, Letter

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LETTER = Letter(
    parent_body="Huyện Cẩm Thủy",
    issuer="Ủy ban nhân dân xã Cẩm Thủy",
    number="Số:      /UBND-VP",
    subject="V/v đề nghị đăng tin, bài trên ứng dụng VNeID",
    place_date="Cẩm Thủy, ngày 01 tháng 12 năm 2026",
    recipient="Công an xã Cẩm Thủy",
    body=("Đề nghị thẩm định và đăng tải./.",),
    copies_to=("Như trên", "Lưu: VT"),
    authority="TM. ỦY BAN NHÂN DÂN",
    signer_title="CHỦ TỊCH",
    signer_name="Lê Văn An",
)


def _text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def test_the_header_has_a_rule_under_the_issuing_body_and_under_the_motto() -> None:
    xml = zipfile.ZipFile(io.BytesIO(letter_docx.render(LETTER))).read("word/document.xml")
    root = etree.fromstring(xml)
    ruled = [p for p in root.iter(f"{W}p") if p.find(f"{W}pPr/{W}pBdr/{W}bottom") is not None]
    # Exactly two rules, under the issuing body (not the parent body) and under the motto.
    assert [_text(p) for p in ruled] == [LETTER.issuer.upper(), MOTTO[1]]
    header = root.find(f"{W}body/{W}tbl")
    assert header is not None and all(header in p.iterancestors() for p in ruled)
    for p in ruled:
        bottom = p.find(f"{W}pPr/{W}pBdr/{W}bottom")
        assert bottom.get(f"{W}val") == "single" and int(bottom.get(f"{W}sz")) > 0
        # Shorter than the cell: indented on both sides, centred like the words above.
        ind = p.find(f"{W}pPr/{W}ind")
        assert int(ind.get(f"{W}left")) > 0 and ind.get(f"{W}left") == ind.get(f"{W}right")
        # The schema's order inside w:pPr: the border before the indent and the alignment.
        tags = [child.tag for child in p.find(f"{W}pPr")]
        assert tags.index(f"{W}pBdr") < tags.index(f"{W}ind") < tags.index(f"{W}jc")
