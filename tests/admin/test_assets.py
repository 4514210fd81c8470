"""The desk's vendored files are the pinned ones, and every file it serves is its own."""

from __future__ import annotations

import hashlib
import re

from admin.assets import STATIC

VENDOR = STATIC / "vendor"


def test_vendored_files_are_the_pinned_ones() -> None:
    """Each file in ``vendor/`` is in its README with package, version, licence and sha256."""
    rows = re.findall(
        r"^\| `([^`]+)` \| ([^|]+) \| ([0-9.]+) \| [^|]+ \| (0BSD|MIT|Apache-2\.0) "
        r"\| `([0-9a-f]{64})` \|$",
        (VENDOR / "README.md").read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    listed = {name: digest for name, _, _, _, digest in rows}
    assert set(listed) == {p.name for p in VENDOR.iterdir() if p.name != "README.md"}
    for name, digest in listed.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    assert "htmx.min.js" in listed


def test_htmx_is_configured_for_the_strict_policy() -> None:
    """htmx would insert a <style> element and could eval: both are turned off."""
    base = (STATIC.parent / "templates" / "base.html").read_text(encoding="utf-8")
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', base)
    assert config
    assert '"includeIndicatorStyles":false' in config.group(1)
    assert '"allowEval":false' in config.group(1)
    assert '"allowScriptTags":false' in config.group(1)


def test_the_body_editor_and_its_sanitiser_are_vendored() -> None:
    """The compose page's editor (Squire) and the sanitiser it needs (DOMPurify) are Loa's own
    files, loaded by that page only, before desk.js starts them."""
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    assert "| `squire.js` | squire-rte | 2.4.8 |" in readme
    assert "| `purify.min.js` | dompurify | 3.5.0 |" in readme
    compose = (STATIC.parent / "templates" / "desk" / "compose.html").read_text(encoding="utf-8")
    order = [compose.index(f"vendor/{name}") for name in ("purify.min.js", "squire.js")]
    assert order == sorted(order) and order[-1] < compose.index("super()")  # desk.js comes last
    layout = (STATIC.parent / "templates" / "desk" / "layout.html").read_text(encoding="utf-8")
    assert "squire" not in layout  # the other desk pages do not carry the editor's weight


def test_the_editor_keeps_no_tag_the_api_sanitiser_drops() -> None:
    """What desk.js lets a paste keep is a subset of what nh3 keeps on save, and its toolbar
    makes only tags from that subset."""
    from core.content.validation import ALLOWED_TAGS

    script = (STATIC / "desk.js").read_text(encoding="utf-8")
    kept = re.search(r"const KEPT_TAGS = \[([^\]]+)\]", script)
    assert kept
    tags = set(re.findall(r'"([a-z0-9]+)"', kept.group(1)))
    assert tags and tags <= ALLOWED_TAGS
    assert {"b", "i", "h2", "h3", "ul", "ol", "li", "a", "blockquote", "p"} <= tags
    assert "img" not in tags and "style" not in script.split("ALLOWED_ATTR:")[1].split("]")[0]
