"""Each channel's preview of an item, side by side, with what the channel cannot do: through
the management API, for any revision, using the test channel plugin."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from core.actions import content, media, targets
from core.auth.permissions import SYSTEM
from core.graphql import management_app
from tests.conftest import API_TOKEN
from tests.support.media import editor, pdf, png
from tests.support.pipeline import COMMUNE, new_article

QUERY = """query($id: ID!, $revision: Int, $target: ID) {
  channelPreviews(articleId: $id, revision: $revision, targetId: $target) {
    targetId targetName plugin html text refused
    fields { name value }
    fidelity { unenforced notes mediaDropped { role code message } } } }"""


def _ask(ctx: Any, **variables: Any) -> Any:
    client = TestClient(management_app(ctx))
    return client.post(
        "/",
        json={"query": QUERY, "variables": variables},
        headers={"Authorization": f"Bearer {API_TOKEN}"},
    ).json()


def _targets(ctx: Any) -> tuple[Any, Any]:
    def make(name: str, plugin: str) -> Any:
        return targets.create_target(
            ctx, SYSTEM, {"name": name, "plugin": plugin, "unit_code": COMMUNE, "settings": {}}
        )

    return make("Kênh thử", "testchannel"), make("Kênh ảnh", "testmedia")


def test_previews_show_each_channel_side_by_side_with_its_fidelity_report(
    ctx, tree, tmp_path
) -> None:
    _, rich = _targets(ctx)
    article = new_article(ctx, age_min=18, genders=["female"])
    body = _ask(ctx, id=article.uid)
    shown = {p["plugin"]: p for p in body["data"]["channelPreviews"]}
    # A channel that gives no preview gets one made from its text, escaped.
    assert shown["testchannel"]["html"] == f"<p>{article.title}</p><p>{article.summary}</p>"
    assert shown["testchannel"]["fidelity"]["unenforced"] == ["age", "gender"]
    # No cover yet: the media channel says why it would refuse, before anyone approves.
    assert shown["testmedia"]["html"] == "" and "ảnh bìa" in shown["testmedia"]["refused"][0]
    assert shown["testmedia"]["fidelity"]["unenforced"] == ["gender"]

    photo = media.upload(
        ctx, editor(tree), COMMUNE, png(tmp_path / "a.png"), "a.png", alt="Trạm", caption="Trạm"
    )
    media.attach(ctx, SYSTEM, article.id, photo.id, "cover")
    doc = media.upload(ctx, editor(tree), COMMUNE, pdf(tmp_path / "qd.pdf"), "qd.pdf")
    media.attach(ctx, SYSTEM, article.id, doc.id, "attachment")
    body = _ask(ctx, id=article.uid, target=str(rich.id))
    [preview] = body["data"]["channelPreviews"]
    assert preview["targetName"] == "Kênh ảnh" and preview["refused"] == []
    assert "<h2>" in preview["html"] and "<script" not in preview["html"]  # sanitised by core
    assert {f["name"]: f["value"] for f in preview["fields"]}["title"] == article.title
    fidelity = preview["fidelity"]
    assert fidelity["notes"] == ["tóm tắt bị cắt (summary cut short)"]
    assert [(m["role"], m["code"]) for m in fidelity["mediaDropped"]] == [("attachment", "dropped")]


def test_a_preview_can_show_an_earlier_revision(ctx, tree) -> None:
    plain, _ = _targets(ctx)
    article = new_article(ctx)
    content.update(ctx, SYSTEM, article.id, {"title": "Lịch tiêm chủng đã đổi"})
    newest = _ask(ctx, id=article.uid, target=str(plain.id))["data"]["channelPreviews"][0]
    first = _ask(ctx, id=article.uid, target=str(plain.id), revision=1)
    assert newest["text"].startswith("Lịch tiêm chủng đã đổi")
    assert first["data"]["channelPreviews"][0]["text"].startswith(article.title)
    again = _ask(ctx, id=article.uid, target=str(plain.id))["data"]["channelPreviews"][0]
    assert again == newest  # showing an old revision wrote nothing


def test_a_revision_or_target_the_item_does_not_have_is_bad_input(ctx, tree) -> None:
    _targets(ctx)
    article = new_article(ctx)
    for variables in ({"revision": 9}, {"target": "999"}, {"target": "x"}):
        body = _ask(ctx, id=article.uid, **variables)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = _ask(ctx, id="no-such-article")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
