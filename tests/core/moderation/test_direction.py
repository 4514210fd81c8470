"""The policy per direction: what the office publishes is judged strictly, citizens' text as the
unit configures (intensifiers such as "vl")."""

from __future__ import annotations

import pytest

from core.moderation import Decision, Direction, Policy, moderate

OUT, IN = Direction.OUTBOUND, Direction.INBOUND


@pytest.mark.parametrize("text", ["Bài viết hay vl", "đẹp vcl", "chán vkl", "mệt cmnr"])
def test_intensifiers_are_blocked_outbound_and_held_inbound_by_default(text: str) -> None:
    assert moderate(text).decision is Decision.BLOCK  # outbound is the default direction
    assert moderate(text, direction=OUT).decision is Decision.BLOCK
    verdict = moderate(text, direction=IN)
    assert verdict.decision is Decision.REVIEW
    assert all(s.intensifier for s in verdict.spans)


@pytest.mark.parametrize("choice", [Decision.ALLOW, Decision.REVIEW, Decision.BLOCK])
def test_a_unit_chooses_what_intensifiers_do_inbound(choice: Decision) -> None:
    policy = Policy(intensifiers=choice)
    assert moderate("hay vl", direction=IN, policy=policy).decision is choice
    assert moderate("hay vl", direction=OUT, policy=policy).decision is Decision.BLOCK


def test_other_profanity_is_blocked_either_way_and_insults_held_either_way() -> None:
    lenient = Policy(intensifiers=Decision.ALLOW)
    for direction in Direction:
        assert moderate("địt mẹ mày", direction=direction, policy=lenient).blocked
        assert moderate("hay vl, địt mẹ", direction=direction, policy=lenient).blocked
        assert moderate("thằng ngu", direction=direction, policy=lenient).needs_review
        assert moderate("biểu tình", direction=direction, policy=lenient).needs_review


def test_an_allowed_intensifier_does_not_hide_a_held_insult() -> None:
    verdict = moderate("thằng ngu vl", direction=IN, policy=Policy(intensifiers=Decision.ALLOW))
    assert verdict.decision is Decision.REVIEW


def test_the_wire_shape_marks_intensifiers_only() -> None:
    spans = moderate("hay vl, đồ ngu").as_json()["spans"]
    assert isinstance(spans, list)
    assert [s.get("intensifier", False) for s in spans] == [True, False]
