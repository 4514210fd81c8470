"""Moderation through the management API: verdicts, typed refusals, the queue, unit terms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from core.context import Context
from core.interactions.models import Comment, CommentState
from core.targets.models import ChannelTarget
from tests.conftest import API_TOKEN

Gql = Callable[..., Any]

SPANS = "spans { field start end text term category severity }"
PAYLOAD = (
    "__typename ... on ArticleResult { article { id status moderation { decision cleared "
    + SPANS
    + " } } }"
    " ... on ModerationBlockedError { message code " + SPANS + " }"
    " ... on ModerationHeldError { message code " + SPANS + " }"
    " ... on TransitionError { message }"
)
CREATE = "mutation($input: ArticleInput!) { createArticle(input: $input) { " + PAYLOAD + " } }"
APPROVE = "mutation($id: ID!) { approveArticle(id: $id) { " + PAYLOAD + " } }"
CLEAR = "mutation($id: ID!) { clearArticleModeration(id: $id) { " + PAYLOAD + " } }"


def create(management: TestClient, gql: Gql, **fields: Any) -> dict[str, Any]:
    body = gql(
        management,
        CREATE,
        token=API_TOKEN,
        input={"title": "Thông báo", "unitCode": "14932", **fields},
    )
    assert "errors" not in body, body
    return body["data"]["createArticle"]


def test_a_blocked_item_shows_its_spans_and_approval_is_a_typed_refusal(
    management: TestClient, gql: Gql, tree: dict[str, Any]
) -> None:
    made = create(management, gql, bodyHtml="<p>Bài này đ.m viết láo</p>")
    article = made["article"]
    assert article["moderation"]["decision"] == "block"
    [span] = article["moderation"]["spans"]
    assert span == {
        "field": "body",
        "start": 8,
        "end": 11,
        "text": "đ.m",
        "term": "đm",
        "category": "profanity",
        "severity": 2,
    }
    refused = gql(management, APPROVE, token=API_TOKEN, id=article["id"])["data"]
    result = refused["approveArticle"]
    assert result["__typename"] == "ModerationBlockedError"
    assert result["code"] == "CONTENT_BLOCKED" and result["spans"][0]["text"] == "đ.m"
    cleared = gql(management, CLEAR, token=API_TOKEN, id=article["id"])["data"]
    assert cleared["clearArticleModeration"]["__typename"] == "TransitionError"


def test_a_held_item_is_cleared_then_approved(
    management: TestClient, gql: Gql, tree: dict[str, Any]
) -> None:
    article = create(management, gql, summary="Cảnh giác luận điệu phản động")["article"]
    assert article["moderation"]["decision"] == "review"
    held = gql(management, APPROVE, token=API_TOKEN, id=article["id"])["data"]["approveArticle"]
    assert held["__typename"] == "ModerationHeldError" and held["code"] == "CONTENT_HELD"
    assert held["spans"][0]["field"] == "summary"
    cleared = gql(management, CLEAR, token=API_TOKEN, id=article["id"])["data"]
    assert cleared["clearArticleModeration"]["article"]["moderation"]["cleared"] is True
    approved = gql(management, APPROVE, token=API_TOKEN, id=article["id"])["data"]
    assert approved["approveArticle"]["__typename"] == "ArticleResult"


TERMS = "query($unit: String!) { unitTerms(unitCode: $unit) { id unitCode kind term category } }"
ADD = (
    "mutation($input: UnitTermInput!) { addUnitTerm(input: $input) { __typename"
    " ... on UnitTermResult { term { id unitCode kind term category severity flags } }"
    " ... on ValidationError { fields { field message } }"
    " ... on ConflictError { message } } }"
)
REMOVE = (
    "mutation($id: ID!) { removeUnitTerm(id: $id) { __typename"
    " ... on ForbiddenError { message } } }"
)


def as_admin(ctx: Context, query: str, **variables: Any) -> dict[str, Any]:
    """Run a management query as an admin of the whole tree (signed in, not a token)."""
    from core.auth.models import Role
    from core.auth.permissions import Actor, Grant
    from core.graphql.management import management_schema
    from core.graphql.request import RequestContext

    actor = Actor(name="quantri", grants=(Grant(Role.ADMIN, "/"),), user_id=1)
    result = management_schema(ctx.settings).execute_sync(
        query, variable_values=variables, context_value=RequestContext(ctx, actor=actor)
    )
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def test_unit_terms_are_managed_by_admins_not_by_api_tokens(
    management: TestClient, gql: Gql, ctx: Context, tree: dict[str, Any]
) -> None:
    term = {
        "unitCode": "38",
        "term": "cán bộ lười",
        "category": "insult",
        "severity": 1,
        "flags": ["strip_ok"],
    }
    # API tokens carry read/write/publish scopes: none of them changes a lexicon
    refused = gql(management, ADD, token=API_TOKEN, input=term)["data"]["addUnitTerm"]
    assert refused["__typename"] == "ForbiddenError"
    added = as_admin(ctx, ADD, input=term)["addUnitTerm"]
    assert added["__typename"] == "UnitTermResult"
    assert added["term"]["flags"] == ["strip_ok"] and added["term"]["unitCode"] == "38"
    again = as_admin(ctx, ADD, input=term)["addUnitTerm"]
    assert again["__typename"] == "ConflictError"
    bad = as_admin(ctx, ADD, input={**term, "severity": 9})
    assert bad["addUnitTerm"]["fields"] == [{"field": "severity", "message": "must be 1, 2 or 3"}]
    listed = gql(management, TERMS, token=API_TOKEN, unit="14932")["data"]["unitTerms"]
    assert [(t["unitCode"], t["term"]) for t in listed] == [("38", "cán bộ lười")]
    article = create(management, gql, title="Phản ánh: can bo luoi tiep dan")["article"]
    assert article["moderation"]["decision"] == "review"
    removed = as_admin(ctx, REMOVE, id=added["term"]["id"])
    assert removed["removeUnitTerm"]["__typename"] == "UnitTermResult"
    assert gql(management, TERMS, token=API_TOKEN, unit="14932")["data"]["unitTerms"] == []


QUEUE = (
    "query($state: String!) { moderationQueue(state: $state) { id authorName authorPseudonym"
    " text state reason " + SPANS + " } }"
)
COMMENT = (
    " __typename ... on CommentResult { comment { id state reason } }"
    " ... on TransitionError { message } ... on NotFoundError { message }"
)


def test_the_comment_queue_and_its_decisions(
    management: TestClient, gql: Gql, ctx: Context, tree: dict[str, Any]
) -> None:
    with ctx.transaction() as session:
        target = ChannelTarget(name="Cổng xã", plugin="portal", unit_id=tree["14932"].id)
        session.add(target)
        session.flush()
        for n, text in enumerate(["Thằng chó nào viết", "Lũ ngu"], start=1):
            session.add(
                Comment(
                    target_id=target.id,
                    remote_id=str(n),
                    author_pseudonym=f"{n:064x}",
                    author_name="Nguyễn Văn An",
                    text=text,
                    decision="review",
                    spans=[
                        {
                            "start": 0,
                            "end": 4,
                            "term": "x",
                            "category": "insult",
                            "severity": 2,
                        }
                    ],
                    state=CommentState.HELD,
                )
            )
    queue = gql(management, QUEUE, token=API_TOKEN, state="held")["data"]["moderationQueue"]
    assert [c["text"] for c in queue] == ["Thằng chó nào viết", "Lũ ngu"]
    assert queue[0]["spans"][0]["text"] == "Thằn" and queue[0]["spans"][0]["field"] is None
    first, second = queue[0]["id"], queue[1]["id"]
    approve = "mutation($id: ID!) { approveComment(id: $id) {" + COMMENT + " } }"
    hide = "mutation($id: ID!) { hideComment(id: $id) {" + COMMENT + " } }"
    ok = gql(management, approve, token=API_TOKEN, id=first)["data"]["approveComment"]
    assert ok["comment"]["state"] == "approved"
    twice = gql(management, approve, token=API_TOKEN, id=first)["data"]["approveComment"]
    assert twice["__typename"] == "TransitionError"
    missing = gql(management, approve, token=API_TOKEN, id="nope")["data"]["approveComment"]
    assert missing["__typename"] == "NotFoundError"
    hidden = gql(management, hide, token=API_TOKEN, id=second)["data"]["hideComment"]
    assert hidden["comment"] == {"id": second, "state": "hidden", "reason": "moderator"}
    block = (
        "mutation($id: ID!, $hours: Float!) { blockCommentAuthor(id: $id, hours: $hours) {"
        " __typename ... on AuthorBlockResult { block { authorPseudonym until } }"
        " ... on ValidationError { fields { field } } } }"
    )
    bad = gql(management, block, token=API_TOKEN, id=first, hours=-1)["data"]
    assert bad["blockCommentAuthor"]["__typename"] == "ValidationError"
    done = gql(management, block, token=API_TOKEN, id=first, hours=48)["data"]
    assert done["blockCommentAuthor"]["block"]["authorPseudonym"] == f"{1:064x}"
    assert gql(management, QUEUE, token=API_TOKEN, state="held")["data"]["moderationQueue"] == []
    wrong = gql(management, QUEUE, token=API_TOKEN, state="gone")
    assert wrong["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
