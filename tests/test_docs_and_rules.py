"""House rules the code must keep: documented settings, one reader of the environment."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from click.testing import CliRunner

from core.cli import main
from core.settings import VARIABLES, Settings, load_settings, markdown_table

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [name for name in VARIABLES if f"| `{name}` |" not in readme]
    assert missing == []


def test_the_readme_table_is_the_one_the_declarations_make() -> None:
    """Regenerate it with ``loa settings --markdown`` when a setting changes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = CliRunner().invoke(main, ["settings", "--markdown"]).output
    assert table == markdown_table() and table.count("\n") == len(VARIABLES) + 2
    assert table in readme


def test_each_setting_is_read_as_declared(tmp_path: Path) -> None:
    """One declaration gives the default, the type and the variable read."""
    plain = load_settings({"LOA_VAR_DIR": str(tmp_path)})
    for f in fields(Settings):
        if "env" in f.metadata and f.name not in ("database_url", "secret_keys", "var_dir"):
            assert getattr(plain, f.name) == f.default, f.name
    chosen = load_settings(
        {
            "LOA_VAR_DIR": str(tmp_path),
            "LOA_HTTP_TIMEOUT": "2.5",
            "LOA_MAX_ATTEMPTS": "3",
            "LOA_TRUSTED_HOSTS": "a.gov.vn, b.gov.vn",
            "LOA_S3_REGION": "",
        }
    )
    assert (chosen.http_timeout, chosen.max_attempts) == (2.5, 3)
    assert chosen.trusted_hosts == ("a.gov.vn", "b.gov.vn")
    assert chosen.s3_region == "us-east-1"  # blank reads as unset


def test_only_settings_reads_the_environment() -> None:
    reads = re.compile(r"os\.environ\.get|os\.environ\[|os\.getenv|environ\.get\(")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("core", "plugins", "admin")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "settings.py" and reads.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def _named_tests_missing(doc: str) -> list[str]:
    """Tests a docs page names (`tests/x.py::name`) that do not exist."""
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    missing = []
    # `tests/x.py::name` opens a run; `::other` later in the same cell is in the same file.
    for cell in re.findall(r"`tests/[^|]*", text):
        path = None
        for ref in re.findall(r"`((?:tests/[\w/]+\.py)?)(?:::(\w+))?(?:\[[^\]]*\])?`", cell):
            path = ref[0] or path
            if path is None:
                continue
            source = (ROOT / path).read_text(encoding="utf-8") if (ROOT / path).exists() else ""
            if not source or (ref[1] and f"def {ref[1]}(" not in source):
                missing.append(f"{path}::{ref[1]}")
    return missing


def test_the_security_map_names_only_tests_that_exist() -> None:
    """docs/security.md proves each control by a test: every one it names must exist."""
    assert _named_tests_missing("security.md") == []


def test_the_compliance_map_names_only_tests_that_exist() -> None:
    """docs/compliance.md proves each checklist row by a test: every one it names must exist,
    and every covered row names at least one."""
    assert _named_tests_missing("compliance.md") == []
    text = (ROOT / "docs" / "compliance.md").read_text(encoding="utf-8")
    covered = text.split("## Rows covered by content types", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in covered.splitlines() if re.match(r"^\| (C\d|S\d)", line)]
    assert rows and all("`tests/" in row for row in rows)
