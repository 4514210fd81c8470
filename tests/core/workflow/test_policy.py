"""The approval policy is data: defaults from the seed documents, validated when changed."""

from __future__ import annotations

import pytest

from core.errors import ValidationFailed
from core.workflow.policy import parse_steps
from tests.support.declared import DEFAULT_RULES


def test_national_scope_needs_province_police_then_national_approver() -> None:
    police, national = parse_steps(DEFAULT_RULES["scope:national"])
    assert (police.role, police.at) == ("police", "province")
    assert (national.role, national.at, national.after) == (
        "approver",
        "national",
        ("province_police",),
    )


def test_portal_board_vouches_for_content_only() -> None:
    [board] = parse_steps(DEFAULT_RULES["plugin:portal"])
    assert board.role == "editorial_board" and board.covers == ("content",)


def test_every_default_rule_is_valid() -> None:
    for steps in DEFAULT_RULES.values():
        parse_steps(steps)


@pytest.mark.parametrize(
    ("step", "field"),
    [
        ({"key": "", "role": "approver", "at": "item_unit"}, "steps[0].key"),
        ({"key": "a", "role": "pope", "at": "item_unit"}, "steps[0].role"),
        ({"key": "a", "role": "approver", "at": "moon"}, "steps[0].at"),
        ({"key": "a", "role": "approver", "at": "item_unit", "after": ["b"]}, "steps[0].after"),
        ({"key": "a", "role": "approver", "at": "item_unit", "covers": ["x"]}, "steps[0].covers"),
    ],
)
def test_a_bad_rule_is_refused_with_the_field(step: dict, field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        parse_steps([step])
    assert field in err.value.fields
