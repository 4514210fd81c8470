"""Every workflow action refuses whoever may not take it, with a typed error."""

from __future__ import annotations

import pytest

from core.actions import content as actions
from core.actions import workflow
from core.auth.models import Role
from core.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from tests.support.pipeline import COMMUNE


def draft(ctx, people):
    editor = people("Biên tập xã", Role.EDITOR, COMMUNE)
    return editor, actions.create(ctx, editor, {"title": "Thông báo", "unit_code": COMMUNE})


def test_only_writers_of_the_unit_submit(ctx, people) -> None:
    _, article = draft(ctx, people)
    with pytest.raises(Forbidden):
        workflow.submit(ctx, people("Phê duyệt xã", Role.APPROVER, COMMUNE), article.id)
    with pytest.raises(Forbidden):
        workflow.submit(ctx, people("Biên tập xã khác", Role.EDITOR, "14950"), article.id)


def test_a_step_of_a_draft_cannot_be_decided(ctx, people) -> None:
    editor, article = draft(ctx, people)
    outcome = workflow.submit(ctx, editor, article.id)
    [step] = outcome.steps
    approver = people("Phê duyệt xã", Role.APPROVER, COMMUNE)
    workflow.decide(ctx, approver, step.id, "reject", "Không đúng thẩm quyền ban hành")
    with pytest.raises(InvalidTransition):
        workflow.decide(ctx, approver, step.id, "approve")
    with pytest.raises(InvalidTransition):  # a rejected item is not submitted again as is
        workflow.submit(ctx, editor, article.id)


def test_approvers_of_another_commune_and_other_roles_are_refused(ctx, people) -> None:
    editor, article = draft(ctx, people)
    [step] = workflow.submit(ctx, editor, article.id).steps
    for actor in (
        people("Phê duyệt xã khác", Role.APPROVER, "14950"),
        people("Công an xã", Role.POLICE, COMMUNE),
        people("Quản trị kênh", Role.CHANNEL_ADMIN, COMMUNE),
        editor,
    ):
        with pytest.raises(Forbidden):
            workflow.decide(ctx, actor, step.id, "approve")
    with pytest.raises(Forbidden):  # nothing of theirs to approve, and no right to approve
        workflow.approve(ctx, people("Công an xã", Role.POLICE, COMMUNE), article.id)


def test_bad_decisions_and_unknown_steps(ctx, people) -> None:
    editor, article = draft(ctx, people)
    [step] = workflow.submit(ctx, editor, article.id).steps
    approver = people("Phê duyệt xã", Role.APPROVER, COMMUNE)
    with pytest.raises(ValidationFailed):
        workflow.decide(ctx, approver, step.id, "maybe")
    with pytest.raises(ValidationFailed):  # a refusal says why
        workflow.decide(ctx, approver, step.id, "reject")
    with pytest.raises(NotFound):
        workflow.decide(ctx, approver, 99999, "approve")


def test_policy_and_restore_need_their_permissions(ctx, people) -> None:
    editor, article = draft(ctx, people)
    with pytest.raises(Forbidden):  # the policy covers the whole tree
        workflow.set_rule(
            ctx, people("Quản trị kênh xã", Role.CHANNEL_ADMIN, COMMUNE), "plugin:x", []
        )
    workflow.set_rule(ctx, people("Quản trị kênh", Role.CHANNEL_ADMIN, "VN"), "plugin:x", [])
    with pytest.raises(Forbidden):
        actions.restore(ctx, people("Phê duyệt xã", Role.APPROVER, COMMUNE), article.id, 1)
    with pytest.raises(NotFound):
        actions.restore(ctx, editor, article.id, 7)


def test_a_token_without_publish_scope_decides_no_step(ctx, people) -> None:
    from dataclasses import replace

    from core.auth.permissions import Permission

    editor, article = draft(ctx, people)
    [step] = workflow.submit(ctx, editor, article.id).steps
    approver = people("Phê duyệt xã", Role.APPROVER, COMMUNE)
    read_only = replace(approver, scopes=frozenset({Permission.READ_DRAFTS}))
    with pytest.raises(Forbidden):
        workflow.decide(ctx, read_only, step.id, "approve")


def test_an_editor_cannot_send_to_another_communes_channel(ctx, people) -> None:
    from core.actions import targets
    from core.auth.permissions import SYSTEM

    sibling = targets.create_target(
        ctx, SYSTEM, {"name": "Kênh xã khác", "plugin": "testchannel", "unit_code": "14950"}
    )
    province = targets.create_target(
        ctx, SYSTEM, {"name": "Kênh tỉnh", "plugin": "testchannel", "unit_code": "38"}
    )
    editor, article = draft(ctx, people)
    with pytest.raises(ValidationFailed) as err:
        actions.update(ctx, editor, article.id, {"target_ids": [sibling.id]})
    assert "target_ids" in err.value.fields
    actions.update(ctx, editor, article.id, {"target_ids": [province.id]})  # a unit above: fine
