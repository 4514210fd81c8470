"""PDF documents: pages counted, text extracted for search, scripts and payloads removed from
the copy Loa keeps, a first-page thumbnail; encrypted or broken files refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from core.media.inspect import MediaRefused, inspect_pdf
from core.text import storable
from tests.support.media_files import action, link, need, text_page

SCRIPT = "var loaMarker = 1; app.alert(loaMarker)"
MARKER = b"loaMarker"  # the script's text as it appears in the file (strings are escaped)
PAYLOAD = b"MZ this would be a program"


@pytest.fixture(autouse=True)
def _poppler() -> None:
    need("pdftoppm")


def _hostile_pdf(path: Path) -> Path:
    """Two pages of text with every kind of active content a reader might run or open."""
    writer = PdfWriter()
    text_page(writer, "Xin chao Loa: thong bao so 1")
    text_page(writer, "Trang hai")
    writer.add_open_action(JavaScript(SCRIPT))  # document-level /Names /JavaScript
    writer.add_attachment("setup.exe", PAYLOAD)  # /Names /EmbeddedFiles
    root = writer.root_object
    root[NameObject("/OpenAction")] = action("/JavaScript", JS="app.launchURL('http://x.test')")
    first, second = writer.pages
    on_open = action("/JavaScript", JS=SCRIPT)
    first[NameObject("/AA")] = DictionaryObject({NameObject("/O"): on_open})
    first[NameObject("/Annots")] = ArrayObject(
        [
            writer._add_object(link((0, 0, 100, 100), action("/Launch", F="cmd.exe"))),
            writer._add_object(link((0, 100, 100, 200), action("/JavaScript", JS=SCRIPT))),
            writer._add_object(link((0, 200, 100, 300), action("/URI", URI="https://loa.test/"))),
        ]
    )
    second[NameObject("/Annots")] = ArrayObject(
        [writer._add_object(link((0, 0, 50, 50), action("/SubmitForm", F="https://x.test/")))]
    )
    xfa = DecodedStreamObject()
    xfa.set_data(b"<xdp:xdp><script>xfaMarker()</script></xdp:xdp>")
    root[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): writer._add_object(xfa)}
    )
    outline = writer.add_outline_item("Muc luc", 0).get_object()
    outline[NameObject("/A")] = writer._add_object(action("/JavaScript", JS="outlineMarker()"))
    writer.write(path)
    return path


def _refused(src: Path, workdir: Path) -> MediaRefused:
    with pytest.raises(MediaRefused) as err:
        inspect_pdf(src, workdir)
    assert not workdir.exists() or not any(workdir.iterdir()), "a refused PDF left files behind"
    return err.value


def test_pdf_with_javascript_and_open_action_is_cleaned(tmp_path) -> None:
    src = _hostile_pdf(tmp_path / "thong-bao.pdf")
    for planted in (MARKER, PAYLOAD, b"xfaMarker", b"outlineMarker"):
        assert planted in src.read_bytes()

    info, clean, thumbnail = inspect_pdf(src, tmp_path / "work")

    assert info.pages == 2 and info.has_javascript
    assert "Xin chao Loa" in info.text and "Trang hai" in info.text
    raw = clean.read_bytes()
    for leak in (MARKER, b"xfaMarker", b"outlineMarker", b"launchURL", PAYLOAD, b"cmd.exe"):
        assert leak not in raw
    assert b"x.test" not in raw  # the form that submitted there is gone
    for name in (b"/JavaScript", b"/JS", b"/OpenAction", b"/AA", b"/Launch", b"/Embedded", b"/XFA"):
        assert name not in raw
    reader = PdfReader(clean)
    assert len(reader.pages) == 2
    assert "/OpenAction" not in reader.trailer["/Root"]
    assert "/AA" not in reader.pages[0]
    assert "/XFA" not in reader.trailer["/Root"]["/AcroForm"]
    assert [item.title for item in reader.outline] == ["Muc luc"]  # the outline stays
    links = [a.get_object() for a in reader.pages[0]["/Annots"]]
    assert [a["/A"]["/S"] for a in links if "/A" in a] == ["/URI"]  # plain links stay
    assert "Xin chao Loa" in reader.pages[0].extract_text()
    with Image.open(thumbnail) as picture:
        assert picture.format == "JPEG" and max(picture.size) == 640
        assert picture.size[1] > picture.size[0]  # Letter is portrait
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["clean.pdf", "thumbnail.jpg"]


def test_plain_pdf_has_no_javascript(tmp_path) -> None:
    writer = PdfWriter()
    text_page(writer, "Lich tiep cong dan")
    writer.write(tmp_path / "plain.pdf")
    info, clean, _ = inspect_pdf(tmp_path / "plain.pdf", tmp_path / "work")
    assert (info.pages, info.has_javascript) == (1, False)
    assert "Lich tiep cong dan" in info.text
    assert "Lich tiep" in PdfReader(clean).pages[0].extract_text()


def test_text_is_bounded(tmp_path) -> None:
    writer = PdfWriter()
    for number in range(5):
        text_page(writer, f"Trang {number} " + "x" * 40)
    writer.write(tmp_path / "long.pdf")
    info, _, _ = inspect_pdf(tmp_path / "long.pdf", tmp_path / "a", text_bytes=60)
    assert len(info.text.encode()) <= 60 and info.text.startswith("Trang 0")
    info, _, _ = inspect_pdf(tmp_path / "long.pdf", tmp_path / "b", text_pages=2)
    assert "Trang 1" in info.text and "Trang 2" not in info.text and info.pages == 5


@pytest.mark.parametrize("password", ["secret", ""])
def test_encrypted_pdf_is_refused(tmp_path, password) -> None:
    writer = PdfWriter()
    text_page(writer, "Mat")
    writer.encrypt(password, "owner-password")
    writer.write(tmp_path / "locked.pdf")
    assert _refused(tmp_path / "locked.pdf", tmp_path / "work").code == "encrypted"


def test_broken_pdf_is_corrupt_and_leaves_nothing(tmp_path) -> None:
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer\n")
    assert _refused(broken, tmp_path / "work").code == "corrupt"


def test_not_a_pdf_is_refused(tmp_path) -> None:
    picture = tmp_path / "scan.pdf"
    Image.new("RGB", (10, 10)).save(picture, "JPEG")
    assert _refused(picture, tmp_path / "work").code == "not_a_document"
    page = tmp_path / "page.pdf"
    page.write_text("<html><script>alert(1)</script></html>")
    assert _refused(page, tmp_path / "work").code == "scriptable"


def test_undrawable_first_page_leaves_nothing(tmp_path, monkeypatch) -> None:
    from core.media.inspect import pdf as pdf_module

    writer = PdfWriter()
    text_page(writer, "Trang")
    writer.write(tmp_path / "ok.pdf")
    monkeypatch.setattr(pdf_module, "THUMBNAIL_WIDTH", -5)  # pdftoppm refuses to draw
    assert _refused(tmp_path / "ok.pdf", tmp_path / "work").code == "corrupt"


def test_extracted_text_holds_only_storable_characters(tmp_path) -> None:
    writer = PdfWriter()
    text_page(writer, "Thong\\000bao\\001so")  # PDF octal escapes: a NUL and a control char
    writer.write(tmp_path / "nul.pdf")
    assert "\x00" in PdfReader(tmp_path / "nul.pdf").pages[0].extract_text()
    info, _, _ = inspect_pdf(tmp_path / "nul.pdf", tmp_path / "work")
    assert info.text == "Thong bao so"
    assert storable(info.text)


def test_a_web_process_loads_the_pdf_checks_only_when_a_pdf_comes() -> None:
    """pypdf and the font tools it brings hold about 26 MiB: not in every web process from its
    start, only once a PDF is checked (``inspect.inspect_pdf`` loads them)."""
    import subprocess
    import sys

    probe = (
        "import sys, core.app, admin.app, core.cli; from core.media import inspect;"
        "print('pypdf' in sys.modules); inspect.inspect_pdf; print('pypdf' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
