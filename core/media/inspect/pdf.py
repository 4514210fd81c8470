"""PDF documents: counted, their text extracted for search, active content removed, a thumbnail.

A PDF can carry programs and payloads that a reader runs or opens: JavaScript (document-level
names, ``/OpenAction``, ``/AA`` triggers, actions on links and form fields), ``/Launch`` of a
program, attached files, Flash/RichMedia and XFA forms. Loa keeps the pages and plain links,
and drops all of those from a copy it writes with pypdf (which copies only what is still
referred to, so the script's text and the attachment's bytes are not in the file either).
Encrypted PDFs are refused: their contents cannot be checked.

The thumbnail is drawn by poppler's ``pdftoppm`` from the cleaned copy, in its own process with
a time limit (a renderer is a large parser of hostile input: a crash or a hang there costs a
refusal, not the worker), the same way video is handled by ffmpeg.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, PdfObject

from core.media.inspect.refusal import MediaRefused
from core.media.inspect.sniff import identify
from core.media.inspect.tools import run_tool
from core.media.inspect.workfiles import outputs

TEXT_PAGES = 200
TEXT_BYTES = 1_000_000
THUMBNAIL_WIDTH = 640
THUMBNAIL_TIMEOUT = 30.0

#: Control characters and lone surrogates: a database refuses NUL, no encoder takes a surrogate.
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")

_SCRIPT_KEYS = {"/JS", "/JavaScript"}
#: Keys whose values run, open or embed something: removed wherever they appear.
_DROP_KEYS = _SCRIPT_KEYS | {
    "/AA",
    "/OpenAction",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/RichMediaContent",
    "/RichMediaSettings",
    "/XFA",
}
#: Action types (``/S``) that run code, start programs, send data or open other files.
_DROP_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/ImportData",
    "/SubmitForm",
    "/GoToR",
    "/GoToE",
    "/Rendition",
    "/RichMediaExecute",
    "/Movie",
    "/Sound",
}
#: Annotation (and object) subtypes that embed files or players: removed with their references.
_DROP_SUBTYPES = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}


@dataclass(frozen=True)
class DocumentInfo:
    """``text``: of the first pages, bounded; ``has_javascript``: the upload had scripts."""

    pages: int
    text: str
    has_javascript: bool


def inspect_pdf(
    src: Path,
    workdir: Path,
    *,
    text_pages: int = TEXT_PAGES,
    text_bytes: int = TEXT_BYTES,
    timeout: float = THUMBNAIL_TIMEOUT,
) -> tuple[DocumentInfo, Path, Path]:
    """(info, ``clean.pdf``, ``thumbnail.jpg``) in ``workdir``; :class:`MediaRefused`
    ``not_a_document``, ``encrypted`` or ``corrupt``, leaving nothing behind."""
    _check_kind(src)
    with outputs(workdir) as made, src.open("rb") as fh:
        try:
            reader = PdfReader(fh)
            if reader.is_encrypted:
                raise MediaRefused("encrypted")
            pages = len(reader.pages)
            if pages == 0:
                raise MediaRefused("corrupt", "no pages")
            text = _text(reader, text_pages, text_bytes)
            # Strip the parsed objects, then copy what is still reachable: what was cut off
            # (a script's stream, an attachment's bytes) is never copied, let alone written.
            has_javascript = _strip_active_content(reader.trailer)
            writer = PdfWriter(clone_from=reader)
            clean = made.new("clean.pdf")
            with clean.open("wb") as out:
                writer.write(out)
        except MediaRefused:
            raise
        except Exception:  # a parser of hostile bytes fails in many ways; all mean "corrupt"
            raise MediaRefused("corrupt") from None
        thumbnail = _thumbnail(clean, made.new("thumbnail.jpg"), timeout)
        return DocumentInfo(pages, text, has_javascript), clean, thumbnail


def _check_kind(src: Path) -> None:
    try:
        found = identify(src)
    except MediaRefused as refused:
        if refused.code == "scriptable":
            raise
        raise MediaRefused("not_a_document") from None
    if found.kind != "document":
        raise MediaRefused("not_a_document")


def _text(reader: PdfReader, max_pages: int, max_bytes: int) -> str:
    """Text of the first ``max_pages`` pages, cut at ``max_bytes`` of UTF-8, without characters
    no database stores; a page whose text cannot be extracted is skipped (the document is
    still good to publish)."""
    parts: list[str] = []
    used = 0
    for page in reader.pages[:max_pages]:
        try:
            page_text = _UNSTORABLE.sub(" ", page.extract_text() or "")
        except Exception:  # noqa: S112 - one unreadable page leaves the others searchable
            continue
        encoded = page_text.encode("utf-8")
        if used + len(encoded) >= max_bytes:
            parts.append(encoded[: max_bytes - used].decode("utf-8", "ignore"))
            break
        parts.append(page_text)
        used += len(encoded) + 1
    return "\n".join(parts)


def _strip_active_content(root: DictionaryObject) -> bool:
    """Remove every script, trigger, launch, attachment and embedded player reachable from
    ``root`` (the trailer: catalog and document info), in place; True when scripts were among
    them. Walks iteratively (a hostile file may nest deeper than Python's stack) over the
    unresolved values, visiting each object once: the page tree and the outline are full of
    cycles (``/Parent``, ``/Prev``, ``/Next``), and a crafted file can add its own."""
    found_script = False
    seen_refs: set[tuple[int, int]] = set()
    seen: set[int] = set()
    stack: list[PdfObject | None] = [root]
    while stack:
        raw = stack.pop()
        if isinstance(raw, IndirectObject):
            if (raw.idnum, raw.generation) in seen_refs:
                continue
            seen_refs.add((raw.idnum, raw.generation))
        item = _resolved(raw)
        if id(item) in seen or not isinstance(item, (DictionaryObject, ArrayObject)):
            continue
        seen.add(id(item))
        if isinstance(item, DictionaryObject):
            for key in list(item.keys()):
                if key in _SCRIPT_KEYS:
                    found_script = True
                value = item.raw_get(key)
                if key in _DROP_KEYS or _dangerous(value):
                    found_script |= _is_script_action(value)
                    del item[key]
                else:
                    stack.append(value)
        else:
            kept = [value for value in item if not _dangerous(value)]
            found_script |= any(_is_script_action(value) for value in item)
            item[:] = kept
            stack.extend(kept)
    return found_script


def _resolved(value: PdfObject | None) -> PdfObject | None:
    """The object ``value`` refers to; the reader caches it, so its identity is stable."""
    return value.get_object() if isinstance(value, IndirectObject) else value


def _dangerous(value: PdfObject) -> bool:
    target = _resolved(value)
    return isinstance(target, DictionaryObject) and (
        target.get("/S") in _DROP_ACTIONS or target.get("/Subtype") in _DROP_SUBTYPES
    )


def _is_script_action(value: PdfObject) -> bool:
    target = _resolved(value)
    return isinstance(target, DictionaryObject) and (
        target.get("/S") == "/JavaScript" or "/JS" in target
    )


def _thumbnail(clean: Path, target: Path, timeout: float) -> Path:
    """The first page, ``THUMBNAIL_WIDTH`` px on its longer side, as a JPEG."""
    root = target.with_suffix("")
    done = run_tool(
        [
            "pdftoppm",
            "-q",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            "-jpeg",
            "-jpegopt",
            "quality=85",
            "-scale-to",
            str(THUMBNAIL_WIDTH),
            str(clean.resolve()),
            str(root.resolve()),
        ],
        timeout=timeout,
    )
    if done.returncode != 0 or not target.exists() or target.stat().st_size == 0:
        raise MediaRefused("corrupt", "the first page could not be drawn")
    return target
