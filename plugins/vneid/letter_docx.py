"""The request letter as an editable Word document (python-docx): the office corrects it,
numbers it and signs it digitally (the PDF is for print). Same structure as the PDF:
a borderless two-column table for the header, Times New Roman as Decree 30/2020 asks.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from plugins.vneid.letter import MOTTO, Letter

FONT = "Times New Roman"


def _line(
    cell: _Cell,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 13,
    center: bool = True,
) -> None:
    paragraph = cell.add_paragraph()
    _write(paragraph, text, bold=bold, italic=italic, size=size, center=center)


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
    left, right = header.rows[0].cells
    if letter.parent_body:
        _line(left, letter.parent_body.upper(), size=12.5)
    _line(left, letter.issuer.upper(), bold=True, size=12.5)
    _line(left, letter.number)
    _line(left, letter.subject, size=12)
    _line(right, MOTTO[0], bold=True, size=12.5)
    _line(right, MOTTO[1], bold=True, size=13.5)
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
