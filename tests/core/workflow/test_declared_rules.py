"""A channel's approval gates and accepted topics come from its plugin's declaration.

Exercised through the test plugin's ``testgated`` channel (installed outside the package),
whose declaration asks for an agency leader of the target's unit and accepts only ``law``
without a written justification.
"""

from __future__ import annotations

import pytest

from core.actions import targets, workflow
from core.auth.models import Role
from core.auth.permissions import SYSTEM
from core.errors import ValidationFailed
from tests.core.workflow.test_scenarios import post, steps
from tests.support.pipeline import COMMUNE


@pytest.fixture
def gated(ctx, tree):
    return targets.create_target(
        ctx,
        SYSTEM,
        {"name": "Kênh thử có cổng duyệt", "plugin": "testgated", "unit_code": COMMUNE},
    )


def test_a_declared_gate_is_a_step_of_every_item_sent_there(ctx, people, gated) -> None:
    editor = people("Phòng Văn hóa", Role.EDITOR, COMMUNE)
    article = post(ctx, editor, [gated.id], topic="law")
    submitted = workflow.submit(ctx, editor, article.id)
    assert steps(submitted) == {"commune_approval": "pending", "test_leader_review": "pending"}


def test_a_topic_the_channel_does_not_declare_needs_a_justification(ctx, people, gated) -> None:
    editor = people("Phòng Văn hóa", Role.EDITOR, COMMUNE)
    article = post(ctx, editor, [gated.id], topic="local_policy")
    with pytest.raises(ValidationFailed) as refused:
        workflow.submit(ctx, editor, article.id)
    assert "law" in refused.value.fields["justification"]
    submitted = workflow.submit(ctx, editor, article.id, "Thông báo khẩn của xã")
    assert "test_leader_review" in steps(submitted)


def test_a_target_setting_overrides_the_declared_topics(ctx, people, tree) -> None:
    wide = targets.create_target(
        ctx,
        SYSTEM,
        {
            "name": "Kênh thử nhận mọi chính sách",
            "plugin": "testgated",
            "unit_code": COMMUNE,
            "settings": {"allowed_topics": ["law", "local_policy"]},
        },
    )
    editor = people("Phòng Văn hóa", Role.EDITOR, COMMUNE)
    article = post(ctx, editor, [wide.id], topic="local_policy")
    assert "test_leader_review" in steps(workflow.submit(ctx, editor, article.id))
