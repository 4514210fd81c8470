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
