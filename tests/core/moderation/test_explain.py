"""`loa moderate --explain`: entry, normalisations, span and decision per direction."""

from __future__ import annotations

import json

from click.testing import CliRunner

from core.cli import main as loa
from core.moderation.explain import explain


def kept(text: str) -> list[dict[str, object]]:
    return [m for m in explain(text)["matches"] if m["kept"]]


def test_each_normalisation_is_named() -> None:
    cases = {
        "𝙙𝙞𝙩 𝙢𝙚": ("địt mẹ", "NFKC / look-alike fold (decorative, Cyrillic or Greek letters)"),
        "d.m": ("dm", "split letters joined"),
        "l0z": ("loz", "leetspeak undone"),
        "ddeso": ("đéo", "Telex/VNI keys decoded"),
        "địtttt": ("địt", "repeated letters collapsed"),
        "vcl@@": ("vcl", '"@@" emoticon dropped'),
        "dit me may": ("địt mẹ mày", "raw"),
    }
    for text, (entry, step) in cases.items():
        [match] = kept(text)
        assert match["entry"] == entry, (text, match)
        assert step in match["normalisation"], (text, match)


def test_the_channel_span_and_flags_are_shown() -> None:
    [folded] = kept("toi dit me")
    assert folded["channel"] == "diacritic fold (typed without diacritics)"
    assert (folded["start"], folded["end"], folded["written"]) == (4, 10, "dit me")
    [glued] = kept("ditme")
    assert glued["channel"] == "diacritic fold of the phrase written as one word"
    [english] = kept("what the fuck")
    assert (english["channel"], english["language"]) == ("English (a non-Vietnamese word)", "en")
    [intensifier] = kept("hay vl")
    assert intensifier["flags"] == ["intensifier"]


def test_inner_matches_are_listed_but_not_kept() -> None:
    matches = explain("địt mẹ mày")["matches"]
    assert {(m["entry"], m["kept"]) for m in matches} >= {("địt", False), ("địt mẹ mày", True)}


def test_the_decision_is_given_per_direction() -> None:
    assert explain("hay vl")["decision"] == {"outbound": "block", "inbound": "review"}
    assert explain("Chị Bảo Loan")["decision"] == {"outbound": "allow", "inbound": "allow"}
    assert explain("Chị Bảo Loan")["matches"] == []


def test_the_command_explains_each_line() -> None:
    result = CliRunner().invoke(loa, ["moderate", "--explain"], input="hay vl\nchào bạn\n")
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert first["matches"][0]["entry"] == "vl" and first["decision"]["inbound"] == "review"
    assert second == {
        "text": "chào bạn",
        "matches": [],
        "decision": {"outbound": "allow", "inbound": "allow"},
    }
