"""Security issue 8, attack 1: national reach without national approval.

A commune editor widened a published commune item to national scope and the same
commune's approver approved it alone, without a code and without a justification.
Every path that widens an item's reach (its audience, its scope units, its channels,
a restored revision, its topic against a channel's list, the importer) is replayed
here through the management API (``/api/graphql``) with real accounts, tokens and
TOTP codes: the new steps must exist and be pending, approval without them is
refused, national reach needs a fresh code (refusal audited) and a justification,
the public API and the channels keep the approved revision until the proper chain
(province police, then the national approver with a fresh code) has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pytest
from loa_testchannel import RECEIVED
from sqlalchemy import select
from starlette.testclient import TestClient

from core.actions import targets as target_actions
from core.actions.importer import import_jsonl
from core.actions.workflow import set_rule
from core.auth import tokens
from core.auth.actions import actor_for
from core.auth.permissions import SYSTEM
from core.content.models import Article
from core.context import Context
from core.delivery.models import Action, Delivery
from tests.core.auth.conftest import (  # noqa: F401  (fixtures)
    Account,
    Clock,
    MakeAccount,
    audit_rows,
    clock,
    make_account,
    web,
)
from tests.core.delivery.conftest import worker  # noqa: F401  (fixture)
from tests.support.declared import DEFAULT_RULES
from tests.support.pipeline import wait_for

COMMUNE, PROVINCE = "14932", "38"
RESULT = """__typename
  ... on ArticleResult { article { id slug status revision pendingRevision justification
      audience { scopeLevel }
      steps { id source key role unitCode state open } } }
  ... on ValidationError { fields { field message } }
  ... on ForbiddenError { message code }
  ... on TransitionError { message }"""
CREATE = "mutation($i: ArticleInput!) { createArticle(input: $i) { " + RESULT + " } }"
UPDATE = "mutation($id: ID!, $i: ArticleInput!) { updateArticle(id: $id, input: $i) { " + RESULT
UPDATE += " } }"
SUBMIT = "mutation($id: ID!, $j: String) { submitArticle(id: $id, justification: $j) { " + RESULT
SUBMIT += " } }"
APPROVE = "mutation($id: ID!, $code: String) { approveArticle(id: $id, totpCode: $code) { "
APPROVE += RESULT + " } }"
REJECT = (
    'mutation($s: ID!) { decideStep(stepId: $s, decision: REJECT, comment: "Không đủ căn cứ")'
    " { " + RESULT + " } }"
)
DECIDE = (
    "mutation($s: ID!, $code: String) { decideStep(stepId: $s, decision: APPROVE,"
    " totpCode: $code) { " + RESULT + " } }"
)
RESTORE = "mutation($id: ID!, $n: Int!) { restoreRevision(id: $id, number: $n) { " + RESULT
RESTORE += " } }"
PUBLIC = "query($slug: String!) { article(slug: $slug) { title } }"
WHY = "Mô hình điểm của tỉnh, đề nghị Bộ Công an cho phát hành toàn quốc."


@dataclass
class Person:
    account: Account
    token: str


class Office:
    """The people of one scenario, each with a real account, a TOTP secret and a token."""

    def __init__(self, ctx: Context, client: TestClient, make: MakeAccount, time: Clock) -> None:
        self.ctx, self.web, self.clock, self.make = ctx, client, time, make

    # Accounts are made when first used: each costs an argon2 hash.
    editor = cached_property(lambda self: self.person("bien-tap-xa", "editor", COMMUNE))
    approver = cached_property(lambda self: self.person("chu-tich-xa", "approver", COMMUNE))
    commune_police = cached_property(lambda self: self.person("cong-an-xa", "police", COMMUNE))
    province_approver = cached_property(
        lambda self: self.person("lanh-dao-tinh", "approver", PROVINCE)
    )
    province_police = cached_property(lambda self: self.person("cong-an-tinh", "police", PROVINCE))
    ministry = cached_property(lambda self: self.person("bo-cong-an-c06", "approver", "VN"))

    def person(self, name: str, role: str, unit: str) -> Person:
        account = self.make(name, role=role, unit=unit)
        with self.ctx.sessions() as session:
            actor = actor_for(session, account.user_id)
        assert actor is not None
        token = tokens.create_token(self.ctx, actor, "t", ["read", "write", "publish"], 30)
        return Person(account, token.plaintext)

    def code(self, who: Person) -> str:
        """A fresh code: the clock moves on, so no code is ever offered twice."""
        self.clock.step()
        return who.account.code(self.clock)

    def call(self, who: Person, query: str, **variables: Any) -> dict[str, Any]:
        body = self.web.post(
            "/api/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {who.token}"},
        ).json()
        assert "errors" not in body, body
        (result,) = body["data"].values()
        return dict(result)

    def article(self, who: Person, query: str, **variables: Any) -> dict[str, Any]:
        result = self.call(who, query, **variables)
        assert result["__typename"] == "ArticleResult", result
        return dict(result["article"])

    def approve(self, who: Person, item: dict[str, Any], code: bool = False) -> dict[str, Any]:
        return self.call(who, APPROVE, id=item["id"], code=self.code(who) if code else None)

    def public_title(self, slug: str) -> str | None:
        body = self.web.post("/graphql", json={"query": PUBLIC, "variables": {"slug": slug}})
        found = body.json()["data"]["article"]
        return found["title"] if found else None


@pytest.fixture
def office(
    ctx: Context,
    web: TestClient,  # noqa: F811
    make_account: MakeAccount,  # noqa: F811
    clock: Clock,  # noqa: F811
) -> Office:
    return Office(ctx, web, make_account, clock)


def open_steps(item: dict[str, Any]) -> dict[str, str]:
    return {s["key"]: s["state"] for s in item["steps"]}


def target(ctx: Context, name: str, **extra: Any) -> int:
    RECEIVED.clear()
    data = {"name": name, "plugin": "testchannel", "unit_code": COMMUNE, "gates": [], **extra}
    made = target_actions.create_target(ctx, SYSTEM, data)
    return made.id


def published(office: Office, **fields: Any) -> dict[str, Any]:
    """A commune item, submitted by the editor and approved by the commune approver alone."""
    data = {"title": "Hướng dẫn kích hoạt VNeID", "unitCode": COMMUNE, "topic": "project06"}
    item = office.article(office.editor, CREATE, i={**data, **fields})
    office.article(office.editor, SUBMIT, id=item["id"])
    live = office.article(office.approver, APPROVE, id=item["id"])
    assert live["status"] == "PUBLISHED" and live["audience"]["scopeLevel"] == "commune"
    return live


def deliveries(ctx: Context, slug: str) -> list[tuple[int, str, int]]:
    with ctx.sessions() as session:
        article_id = session.scalar(select(Article.id).where(Article.slug == slug))
        rows = session.scalars(
            select(Delivery).where(Delivery.article_id == article_id).order_by(Delivery.id)
        )
        return [(d.target_id, d.action, d.revision) for d in rows]


def on_channel(ctx: Context, slug: str, target_id: int) -> str | None:
    """The text the test channel holds for the item, once its publication was delivered."""
    with ctx.sessions() as session:
        ids = session.scalars(
            select(Delivery.id)
            .join(Article, Article.id == Delivery.article_id)
            .where(
                Article.slug == slug,
                Delivery.target_id == target_id,
                Delivery.action == Action.PUBLISH,
            )
            .order_by(Delivery.id)
        ).all()
    held = [RECEIVED[f"loa-delivery-{i}"]["text"] for i in ids if f"loa-delivery-{i}" in RECEIVED]
    return str(held[0]) if held else None


def national_chain(office: Office, item: dict[str, Any]) -> dict[str, Any]:
    """Province police endorse, then the Ministry approves; national reach: fresh codes."""
    endorsed = office.approve(office.province_police, item, code=True)["article"]
    assert open_steps(endorsed)["province_police"] == "approved"
    assert open_steps(endorsed)["national_approval"] == "pending"
    refused = office.approve(office.ministry, item)
    assert refused["__typename"] == "ForbiddenError" and refused["code"] == "STEP_UP_REQUIRED"
    done = office.approve(office.ministry, item, code=True)
    assert done["__typename"] == "ArticleResult", done
    return dict(done["article"])


def commune_approver_is_refused(office: Office, item: dict[str, Any], national: bool) -> None:
    """Alone, with or without a code, the commune approver cannot pass the wider reach."""
    if national:
        bare = office.approve(office.approver, item)
        assert bare["__typename"] == "ForbiddenError" and bare["code"] == "STEP_UP_REQUIRED"
        refusals = [r.data for r in audit_rows(office.ctx, "auth.forbidden")]
        assert {"permission": "step_up", "address": "testclient", "via": "api"} in refusals
    coded = office.approve(office.approver, item, code=True)
    assert coded["__typename"] == "TransitionError", coded
    assert "none of the open approval steps is yours" in coded["message"]


WIDER = {
    "province": {"province_approval": "pending"},
    "national": {"province_police": "pending", "national_approval": "pending"},
}


def chain(office: Office, item: dict[str, Any], level: str) -> dict[str, Any]:
    if level == "national":
        return national_chain(office, item)
    return office.article(office.province_approver, APPROVE, id=item["id"])


@pytest.mark.parametrize("level", ["province", "national"])
def test_widening_a_live_item_waits_for_the_wider_chain(
    office: Office,
    ctx: Context,
    level: str,
    worker: Any,  # noqa: F811
) -> None:
    channel = target(ctx, "Kênh xã")
    live = published(office, targetIds=[str(channel)])
    before = [(channel, Action.PUBLISH, 1)]
    wait_for(lambda: on_channel(ctx, live["slug"], channel), what="the first publication")
    assert deliveries(ctx, live["slug"]) == before
    widen: dict[str, Any] = {"title": "Hướng dẫn mở rộng", "audience": {"scopeLevel": level}}
    if level == "national":
        for blank in ({}, {"justification": "  \n "}):
            no_reason = office.call(office.editor, UPDATE, id=live["id"], i={**widen, **blank})
            assert no_reason["__typename"] == "ValidationError", no_reason
            assert no_reason["fields"][0]["field"] == "justification"
        widen["justification"] = WHY

    pending = office.article(office.editor, UPDATE, id=live["id"], i=widen)
    assert (pending["status"], pending["revision"], pending["pendingRevision"]) == (
        "PUBLISHED",
        1,
        2,
    )
    assert open_steps(pending) == WIDER[level]  # the commune's approval no longer suffices
    commune_approver_is_refused(office, live, national=level == "national")
    assert office.public_title(live["slug"]) == "Hướng dẫn kích hoạt VNeID"
    assert deliveries(ctx, live["slug"]) == before  # nothing new for the channel
    assert str(on_channel(ctx, live["slug"], channel)).startswith("Hướng dẫn kích hoạt VNeID")

    done = chain(office, live, level)
    assert (done["status"], done["revision"], done["pendingRevision"]) == ("PUBLISHED", 2, None)
    assert done["audience"]["scopeLevel"] == level
    assert set(open_steps(done).values()) == {"approved"}
    assert office.public_title(live["slug"]) == "Hướng dẫn mở rộng"
    assert deliveries(ctx, live["slug"]) == [*before, (channel, Action.UPDATE, 2)]
    wait_for(
        lambda: str(on_channel(ctx, live["slug"], channel)).startswith("Hướng dẫn mở rộng"),
        what="the update on the channel",
    )


@pytest.mark.parametrize("level", ["province", "national"])
def test_widening_an_item_in_review_replans_its_steps(
    office: Office, ctx: Context, level: str
) -> None:
    data = {"title": "Hướng dẫn kích hoạt VNeID", "unitCode": COMMUNE, "topic": "project06"}
    item = office.article(office.editor, CREATE, i=data)
    submitted = office.article(office.editor, SUBMIT, id=item["id"])
    assert open_steps(submitted) == {"commune_approval": "pending"}
    widen: dict[str, Any] = {"audience": {"scopeLevel": level}}
    if level == "national":
        no_reason = office.call(office.editor, UPDATE, id=item["id"], i=widen)
        assert no_reason["__typename"] == "ValidationError", no_reason
        assert no_reason["fields"][0]["field"] == "justification"
        widen["justification"] = WHY

    wider = office.article(office.editor, UPDATE, id=item["id"], i=widen)
    assert open_steps(wider) == WIDER[level]
    assert {s["unitCode"] for s in wider["steps"]} == (
        {PROVINCE} if level == "province" else {PROVINCE, "VN"}
    )
    commune_approver_is_refused(office, item, national=level == "national")
    assert office.public_title(item["slug"]) is None

    done = chain(office, item, level)
    assert done["status"] == "PUBLISHED" and done["audience"]["scopeLevel"] == level


@pytest.mark.parametrize(
    ("units", "level"),
    [([PROVINCE], "province"), ([COMMUNE, "01"], "national"), (["99999"], "national")],
)
def test_scope_units_beyond_the_commune_widen_the_reach(
    office: Office, units: list[str], level: str
) -> None:
    """A commune-level item aimed at its province, at another province or at an unknown code."""
    data = {
        "title": "Thông báo",
        "unitCode": COMMUNE,
        "topic": "project06",
        "audience": {"scopeLevel": "commune", "scopeUnits": units},
    }
    item = office.article(office.editor, CREATE, i=data)
    if level == "national":
        no_reason = office.call(office.editor, SUBMIT, id=item["id"])
        assert no_reason["__typename"] == "ValidationError", no_reason
        assert no_reason["fields"][0]["field"] == "justification"
    submitted = office.article(office.editor, SUBMIT, id=item["id"], j=WHY)
    assert open_steps(submitted) == WIDER[level]
    commune_approver_is_refused(office, item, national=level == "national")
    assert chain(office, item, level)["status"] == "PUBLISHED"


@pytest.mark.parametrize("gate", ["declared", "plugin"])
def test_a_channel_added_to_a_live_item_waits_for_its_own_gate(
    office: Office,
    ctx: Context,
    gate: str,
    worker: Any,  # noqa: F811
) -> None:
    portal = target(ctx, "Cổng xã")
    live = published(office, targetIds=[str(portal)])
    wait_for(lambda: on_channel(ctx, live["slug"], portal), what="the first publication")
    if gate == "declared":  # the target's own gate
        vneid = target(ctx, "VNeID xã", gates=DEFAULT_RULES["plugin:vneid"])
    else:  # no gate of its own: its plugin's rule applies
        set_rule(ctx, SYSTEM, "plugin:testchannel", DEFAULT_RULES["plugin:vneid"])
        vneid = target(ctx, "VNeID xã", gates=None)
    edited = office.article(
        office.editor,
        UPDATE,
        id=live["id"],
        i={"title": "Hướng dẫn (cập nhật)", "targetIds": [str(portal), str(vneid)]},
    )
    assert open_steps(edited) == {"commune_approval": "pending", "police_appraisal": "pending"}
    assert {s["source"] for s in edited["steps"]} == {"scope", f"target:{vneid}"}

    approved = office.article(office.approver, APPROVE, id=live["id"])
    assert approved["revision"] == 2 and open_steps(approved)["police_appraisal"] == "pending"
    assert deliveries(ctx, live["slug"]) == [
        (portal, Action.PUBLISH, 1),
        (portal, Action.UPDATE, 2),
    ]  # VNeID gets nothing before the police's appraisal
    wait_for(
        lambda: str(on_channel(ctx, live["slug"], portal)).startswith("Hướng dẫn (cập nhật)"),
        what="the portal's update",
    )
    assert on_channel(ctx, live["slug"], vneid) is None

    appraised = office.article(office.commune_police, APPROVE, id=live["id"])
    assert set(open_steps(appraised).values()) == {"approved"}
    assert (vneid, Action.PUBLISH, 2) in deliveries(ctx, live["slug"])
    wait_for(lambda: on_channel(ctx, live["slug"], vneid), what="the VNeID publication")


def test_a_national_channel_added_to_a_commune_item_needs_the_national_chain(
    office: Office, ctx: Context
) -> None:
    """A unit above the item's may be chosen: the national unit's channel speaks to everyone."""
    live = published(office)
    national = target(ctx, "VNeID toàn quốc", unit_code="VN")
    add = {"targetIds": [str(national)]}
    refused = office.call(office.editor, UPDATE, id=live["id"], i=add)
    assert refused["__typename"] == "ValidationError", refused
    assert refused["fields"][0]["field"] == "justification"

    edited = office.article(office.editor, UPDATE, id=live["id"], i={**add, "justification": WHY})
    assert open_steps(edited) == WIDER["national"]
    commune_approver_is_refused(office, live, national=True)
    assert deliveries(ctx, live["slug"]) == []
    national_chain(office, live)
    assert deliveries(ctx, live["slug"]) == [(national, Action.PUBLISH, 2)]


def test_a_channel_outside_the_topic_needs_a_justification(office: Office, ctx: Context) -> None:
    portal = target(ctx, "Cổng xã")
    live = published(office, targetIds=[str(portal)], topic="other")
    vneid = target(ctx, "VNeID xã", settings={"allowed_topics": ["project06", "law"]})
    add = {"targetIds": [str(portal), str(vneid)]}
    refused = office.call(office.editor, UPDATE, id=live["id"], i=add)
    assert refused["__typename"] == "ValidationError", refused
    assert refused["fields"][0]["field"] == "justification"
    assert deliveries(ctx, live["slug"]) == [(portal, Action.PUBLISH, 1)]

    edited = office.article(office.editor, UPDATE, id=live["id"], i={**add, "justification": WHY})
    assert open_steps(edited) == {"commune_approval": "pending"}  # the approver reads it
    done = office.article(office.approver, APPROVE, id=live["id"])
    assert done["justification"] == WHY
    assert (vneid, Action.PUBLISH, 2) in deliveries(ctx, live["slug"])


def test_a_live_item_moved_off_its_channels_topics_needs_a_justification(
    office: Office, ctx: Context
) -> None:
    vneid = target(
        ctx,
        "VNeID xã",
        settings={"allowed_topics": ["project06", "law"]},
        gates=DEFAULT_RULES["plugin:vneid"],
    )
    live = published(office, targetIds=[str(vneid)])
    off = {"topic": "other"}
    refused = office.call(office.editor, UPDATE, id=live["id"], i=off)
    assert refused["__typename"] == "ValidationError", refused
    assert refused["fields"][0]["field"] == "justification"

    edited = office.article(office.editor, UPDATE, id=live["id"], i={**off, "justification": WHY})
    assert open_steps(edited) == {"commune_approval": "pending", "police_appraisal": "pending"}


def test_allowed_topics_narrowed_under_review_stop_the_approval(
    office: Office, ctx: Context
) -> None:
    vneid = target(ctx, "VNeID xã")
    data = {"title": "Lễ hội", "unitCode": COMMUNE, "topic": "other", "targetIds": [str(vneid)]}
    item = office.article(office.editor, CREATE, i=data)
    office.article(office.editor, SUBMIT, id=item["id"])
    target_actions.update_target(ctx, SYSTEM, vneid, {"settings": {"allowed_topics": ["law"]}})

    refused = office.approve(office.approver, item)
    assert refused["__typename"] == "ValidationError", refused
    assert refused["fields"][0]["field"] == "justification"
    assert office.public_title(item["slug"]) is None

    office.article(office.editor, UPDATE, id=item["id"], i={"justification": WHY})
    done = office.article(office.approver, APPROVE, id=item["id"])
    assert done["status"] == "PUBLISHED" and done["justification"] == WHY


def test_restoring_a_national_revision_needs_the_national_chain(
    office: Office, ctx: Context
) -> None:
    data = {"title": "Mô hình điểm", "unitCode": COMMUNE, "topic": "model_site"}
    item = office.article(office.editor, CREATE, i=data)
    national = {"audience": {"scopeLevel": "national"}, "justification": WHY}
    office.article(office.editor, UPDATE, id=item["id"], i=national)  # revision 2, a draft
    office.article(office.editor, UPDATE, id=item["id"], i={"audience": {"scopeLevel": "commune"}})
    office.article(office.editor, SUBMIT, id=item["id"])
    live = office.article(office.approver, APPROVE, id=item["id"])
    assert (live["revision"], live["audience"]["scopeLevel"]) == (3, "commune")

    restored = office.article(office.editor, RESTORE, id=item["id"], n=2)
    assert restored["pendingRevision"] == 4 and restored["audience"]["scopeLevel"] == "commune"
    assert open_steps(restored) == WIDER["national"]
    commune_approver_is_refused(office, item, national=True)
    done = national_chain(office, item)
    assert (done["revision"], done["audience"]["scopeLevel"]) == (4, "national")


def test_restoring_a_national_revision_without_justification_is_refused(
    office: Office, ctx: Context
) -> None:
    data = {"title": "Mô hình điểm", "unitCode": COMMUNE, "topic": "model_site"}
    item = office.article(office.editor, CREATE, i=data)
    national = {"audience": {"scopeLevel": "national"}}  # a draft may wait for its reason
    office.article(office.editor, UPDATE, id=item["id"], i=national)
    office.article(office.editor, UPDATE, id=item["id"], i={"audience": {"scopeLevel": "commune"}})
    office.article(office.editor, SUBMIT, id=item["id"])
    office.article(office.approver, APPROVE, id=item["id"])

    refused = office.call(office.editor, RESTORE, id=item["id"], n=2)
    assert refused["__typename"] == "ValidationError", refused
    assert refused["fields"][0]["field"] == "justification"


def test_a_decision_on_a_step_is_judged_on_the_pending_revision(
    office: Office, ctx: Context
) -> None:
    """decideStep, like approveArticle, asks for the code the revision under review needs."""
    vneid = target(ctx, "VNeID xã", gates=DEFAULT_RULES["plugin:vneid"])
    live = published(office, targetIds=[str(vneid)])
    widen = {"audience": {"scopeLevel": "national"}, "justification": WHY}
    pending = office.article(office.editor, UPDATE, id=live["id"], i=widen)
    appraisal = next(s["id"] for s in pending["steps"] if s["key"] == "police_appraisal")
    assert open_steps(pending)["police_appraisal"] == "pending"  # the audience changed
    bare = office.call(office.commune_police, DECIDE, s=appraisal)
    assert bare["__typename"] == "ForbiddenError" and bare["code"] == "STEP_UP_REQUIRED"
    coded = office.call(
        office.commune_police, DECIDE, s=appraisal, code=office.code(office.commune_police)
    )
    assert coded["__typename"] == "ArticleResult"
    assert coded["article"]["revision"] == 1  # the scope's chain has not passed yet


def test_a_refused_widening_leaves_the_live_item_and_its_plan_as_approved(
    office: Office, ctx: Context
) -> None:
    live = published(office)
    widen = {"title": "Lần 1", "audience": {"scopeLevel": "national"}, "justification": WHY}
    pending = office.article(office.editor, UPDATE, id=live["id"], i=widen)
    endorsement = next(s["id"] for s in pending["steps"] if s["key"] == "province_police")
    refused = office.article(office.province_police, REJECT, s=endorsement)
    assert (refused["revision"], refused["pendingRevision"]) == (1, None)
    assert open_steps(refused) == {"commune_approval": "approved"}  # the live plan, as approved
    assert office.public_title(live["slug"]) == "Hướng dẫn kích hoạt VNeID"

    again = office.article(office.editor, UPDATE, id=live["id"], i={**widen, "title": "Lần 2"})
    assert open_steps(again) == WIDER["national"]  # a new proposal: no step stays refused
    commune_approver_is_refused(office, live, national=True)
    done = national_chain(office, live)
    assert (done["revision"], done["audience"]["scopeLevel"]) == (3, "national")
    assert office.public_title(live["slug"]) == "Lần 2"


def test_moving_a_live_item_to_another_commune_needs_that_communes_approval(
    office: Office, ctx: Context
) -> None:
    live = published(office)
    mover = office.person("bien-tap-tinh", "editor", PROVINCE)  # writes for both communes
    neighbour = office.person("chu-tich-xa-ben", "approver", "14950")
    moved = office.article(
        mover,
        UPDATE,
        id=live["id"],
        i={"unitCode": "14950", "audience": {"scopeUnits": ["14950"]}},
    )
    assert [(s["key"], s["unitCode"], s["state"]) for s in moved["steps"]] == [
        ("commune_approval", "14950", "pending")
    ]
    commune_approver_is_refused(office, live, national=False)
    done = office.article(neighbour, APPROVE, id=live["id"])
    assert (done["revision"], done["pendingRevision"]) == (2, None)


def test_creating_a_national_item_needs_a_justification_and_the_chain(office: Office) -> None:
    data = {
        "title": "Mô hình điểm",
        "unitCode": COMMUNE,
        "topic": "model_site",
        "audience": {"scopeLevel": "national"},
    }
    item = office.article(office.editor, CREATE, i=data)
    no_reason = office.call(office.editor, SUBMIT, id=item["id"])
    assert no_reason["__typename"] == "ValidationError"
    assert no_reason["fields"][0]["field"] == "justification"
    submitted = office.article(office.editor, SUBMIT, id=item["id"], j=WHY)
    assert open_steps(submitted) == WIDER["national"]
    commune_approver_is_refused(office, item, national=True)
    assert national_chain(office, item)["status"] == "PUBLISHED"


def test_narrowing_a_national_item_leaves_no_step_waiting(office: Office, ctx: Context) -> None:
    data = {
        "title": "Mô hình điểm",
        "unitCode": COMMUNE,
        "topic": "model_site",
        "audience": {"scopeLevel": "national"},
    }
    item = office.article(office.editor, CREATE, i=data)
    office.article(office.editor, SUBMIT, id=item["id"], j=WHY)
    national_chain(office, item)

    narrowed = office.article(
        office.editor, UPDATE, id=item["id"], i={"audience": {"scopeLevel": "commune"}}
    )
    assert open_steps(narrowed) == {"commune_approval": "pending"}
    done = office.article(office.approver, APPROVE, id=item["id"])  # no code: commune reach
    assert (done["revision"], done["audience"]["scopeLevel"]) == (2, "commune")
    assert set(open_steps(done).values()) == {"approved"}


def test_the_importer_publishes_nothing_at_national_reach(ctx: Context, tree: Any) -> None:
    line = (
        '{"title": "Tin toàn quốc", "slug": "%s", "unit_code": "%s", "status": "%s",'
        ' "published_at": "2025-01-01T00:00:00+07:00"}'
    )
    report = import_jsonl(
        ctx,
        SYSTEM,
        [
            line % ("quoc-gia", "VN", "published"),
            line % ("quoc-gia-nhap", "VN", "draft"),
            line % ("xa", COMMUNE, "published"),
        ],
    )
    assert report.created == 2
    assert [n for n, _ in report.errors] == [1]
    assert "national" in report.errors[0][1]
    with ctx.sessions() as session:
        statuses = {
            slug: status
            for slug, status in session.execute(
                select(Article.slug, Article.status).order_by(Article.id)
            )
        }
    assert statuses == {"quoc-gia-nhap": "draft", "xa": "published"}
