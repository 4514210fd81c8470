"""The request letter as a PDF ready to print (fpdf2, A4, Decree 30/2020 margins and type).

The bundled Liberation Serif (OFL, metric-compatible with Times New Roman) carries every
Vietnamese glyph, so diacritics print the same on any machine; fpdf2 embeds a subset.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from plugins.vneid.letter import MOTTO, Letter

FONTS = Path(__file__).parent / "fonts"
FAMILY = "LiberationSerif"
#: Decree 30/2020 Appendix I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
LEFT, TOP, RIGHT = 30.0, 20.0, 15.0
LEFT_COL, RIGHT_COL = 62.0, 103.0
LINE = 6.5


def _pdf() -> FPDF:
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font(FAMILY, "", str(FONTS / "LiberationSerif-Regular.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "LiberationSerif-Bold.ttf"))
    pdf.add_font(FAMILY, "I", str(FONTS / "LiberationSerif-Italic.ttf"))
    pdf.set_creator("Loa")
    pdf.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))  # reproducible bytes
    return pdf


def _centered(pdf: FPDF, x: float, width: float, text: str, style: str, size: float) -> None:
    pdf.set_x(x)
    pdf.set_font(FAMILY, style, size)
    pdf.multi_cell(width, LINE, text, align=Align.C, new_x=XPos.LEFT, new_y=YPos.NEXT)


def _rule(pdf: FPDF, center: float, width: float) -> None:
    """The thin solid rule Decree 30 draws under the issuing body and under the motto."""
    y = pdf.get_y() + 0.5
    pdf.set_line_width(0.3)
    pdf.line(center - width / 2, y, center + width / 2, y)
    pdf.set_y(y + 1.5)


def render(letter: Letter) -> bytes:
    pdf = _pdf()
    pdf.set_title(letter.subject)
    pdf.add_page()
    x_left, x_right = LEFT, LEFT + LEFT_COL
    # Top left: the issuing body, its number/symbol and the subject line.
    if letter.parent_body:
        _centered(pdf, x_left, LEFT_COL, letter.parent_body.upper(), "", 12.5)
    _centered(pdf, x_left, LEFT_COL, letter.issuer.upper(), "B", 12.5)
    _rule(pdf, x_left + LEFT_COL / 2, LEFT_COL / 3)  # a short rule under the issuing body
    _centered(pdf, x_left, LEFT_COL, letter.number, "", 13)
    _centered(pdf, x_left, LEFT_COL, letter.subject, "", 12)
    bottom_left = pdf.get_y()
    # Top right: the national motto, then place and date in italics.
    pdf.set_y(TOP)
    _centered(pdf, x_right, RIGHT_COL, MOTTO[0], "B", 12)
    _centered(pdf, x_right, RIGHT_COL, MOTTO[1], "B", 13.5)
    _rule(pdf, x_right + RIGHT_COL / 2, pdf.get_string_width(MOTTO[1]))  # as long as the motto
    pdf.ln(LINE)
    _centered(pdf, x_right, RIGHT_COL, letter.place_date, "I", 13.5)
    pdf.set_y(max(bottom_left, pdf.get_y()) + LINE)
    _centered(pdf, LEFT, pdf.epw, f"Kính gửi: {letter.recipient}.", "", 14)
    pdf.ln(LINE / 2)
    pdf.set_font(FAMILY, "", 14)
    for paragraph in letter.body:
        pdf.set_x(LEFT)
        pdf.multi_cell(
            pdf.epw,
            LINE + 0.5,
            f"      {paragraph}",
            align=Align.J,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.ln(LINE)
    # "Nơi nhận" at bottom left, the signature block at bottom right, side by side.
    y = pdf.get_y()
    pdf.set_font(FAMILY, "B", 12)
    pdf.set_x(LEFT)
    pdf.cell(LEFT_COL, LINE, "Nơi nhận:", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, "", 11)
    for copy in letter.copies_to:
        pdf.set_x(LEFT)
        pdf.cell(LEFT_COL, 5, f"- {copy};", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(y)
    _centered(pdf, x_right, RIGHT_COL, letter.authority, "B", 13.5)
    _centered(pdf, x_right, RIGHT_COL, letter.signer_title, "B", 13.5)
    if letter.signer_name:
        pdf.ln(LINE * 3)  # room for the signature and seal
        _centered(pdf, x_right, RIGHT_COL, letter.signer_name, "B", 13.5)
    return bytes(pdf.output())
