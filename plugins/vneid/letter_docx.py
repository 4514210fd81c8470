"""The request letter as an editable Word document (python-docx): the office corrects it,
numbers it and signs it digitally (the PDF is for print). Same structure as the PDF:
a borderless two-column table for the header, Times New Roman as Decree 30/2020 asks, and
its thin solid rules: a short one under the issuing body, one as long as the motto under it
(a paragraph's bottom border, indented so it spans the words rather than the whole cell).
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from plugins.vneid.letter import MOTTO, Letter

FONT = "Times New Roman"
#: The header's columns as in the PDF (``letter_pdf``: 62 mm and 103 mm); each rule is inset
#: from its cell's sides: about a third of the left column under the issuing body, and the
#: motto's own width (58 mm at 13.5 pt bold) under the motto.
LEFT_COL, RIGHT_COL = Mm(62), Mm(103)
LEFT_INSET, MOTTO_INSET = Mm(19), Mm(19)
#: What may follow ``w:pBdr`` inside ``w:pPr`` (Word refuses a document out of this order).
AFTER_BORDERS = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _line(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 13,
    center: bool = True,
) -> Paragraph:
    paragraph = cell.add_paragraph()
    _write(paragraph, text, bold=bold, italic=italic, size=size, center=center)
    return paragraph


def _rule_under(paragraph: Paragraph, inset: Length) -> None:
    """Decree 30's thin solid rule under ``paragraph`` (``w:pBdr/w:bottom``, ½ pt), kept
    ``inset`` in from each side of its cell so it is as long as Appendix I draws it."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", "4"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{name}"), value)
    borders.append(bottom)
    p_pr.insert_element_before(borders, *AFTER_BORDERS)  # the schema's order (ECMA-376 §17.3.1.26)
    paragraph.paragraph_format.left_indent = inset
    paragraph.paragraph_format.right_indent = inset


def _write(
    paragraph: Paragraph,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 13,
    center: bool = False,
) -> None:
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.name, run.font.size = FONT, Pt(size)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def render(letter: Letter) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    header = doc.add_table(rows=1, cols=2)
    header.autofit = False
    left, right = header.rows[0].cells
    left.width, right.width = LEFT_COL, RIGHT_COL
    if letter.parent_body:
        _line(left, letter.parent_body.upper(), size=12.5)
    _rule_under(_line(left, letter.issuer.upper(), bold=True, size=12.5), LEFT_INSET)
    _line(left, letter.number)
    _line(left, letter.subject, size=12)
    _line(right, MOTTO[0], bold=True, size=12.5)
    _rule_under(_line(right, MOTTO[1], bold=True, size=13.5), MOTTO_INSET)
    _line(right, letter.place_date, italic=True, size=13.5)
    _write(doc.add_paragraph(), f"Kính gửi: {letter.recipient}.", size=14, center=True)
    for paragraph in letter.body:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Mm(10)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _write(p, paragraph, size=14)
    footer = doc.add_table(rows=1, cols=2)
    left, right = footer.rows[0].cells
    _line(left, "Nơi nhận:", bold=True, italic=True, size=12, center=False)
    for copy in letter.copies_to:
        _line(left, f"- {copy};", size=11, center=False)
    _line(right, letter.authority, bold=True, size=13.5)
    _line(right, letter.signer_title, bold=True, size=13.5)
    if letter.signer_name:
        _line(right, "\n\n\n" + letter.signer_name, bold=True, size=13.5)
    out = io.BytesIO()
    doc.core_properties.title = letter.subject
    doc.save(out)
    return out.getvalue()
