"""The demo commune has issue 18's government content, readable anonymously in one home-page
query through ``/graphql`` (within the public cost limit), and a rerun adds nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from core.db import utcnow
from core.demo import seed
from core.demo_gov import end_of_day
from core.govcontent.legal import VN
from core.govcontent.models import LegalDocument

HOME = """
query Home($unit: String!) {
  unitProfile(unit: $unit) { unit { name } introduction proceduresUrl
    officialChannels { platform name url } }
  menu(unit: $unit) { label section children { label } }
  banners(unit: $unit) { title linkUrl visibleUntil placement { key } image { url alt } }
  legalDocuments(unit: $unit, first: 5) { edges { node { number abstract status
    file { url pages } } } superiorSections { url } }
  schedule(unit: $unit) { week days { weekday slots { person content startsAt } } }
  directory(unit: $unit) { group name title phone email }
  portalFooter(unit: $unit) { contentResponsible { name phone email } }
  campaignSections(unit: $unit) { title visibleUntil }
}"""


def test_the_demo_commune_has_its_government_content(ctx, web, tree, monkeypatch):
    monkeypatch.setattr("core.demo_media.video", lambda path: None)  # no need for the clip here
    seed(ctx, photo_size=(480, 270))
    body = web.post("/graphql", json={"query": HOME, "variables": {"unit": "14932"}}).json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    assert data["unitProfile"]["proceduresUrl"].endswith("donvi=14932")
    assert {c["platform"] for c in data["unitProfile"]["officialChannels"]} >= {"vneid", "zalo"}
    assert data["menu"][0]["label"] == "Tổng quan"
    [doc] = [e["node"] for e in data["legalDocuments"]["edges"]]
    assert doc["status"] == "IN_FORCE" and doc["file"]["pages"] == 1
    pdf = web.get(doc["file"]["url"].removeprefix("http://loa.test"))
    assert pdf.status_code == 200 and pdf.headers["content-disposition"].startswith("inline")
    by_key = {b["placement"]["key"]: b for b in data["banners"]}
    assert by_key["phan-hoi"]["linkUrl"] == "https://phanhoi.thanhhoa.gov.vn/"  # S3.2
    ends = dt.datetime.fromisoformat(by_key["cot-phai"]["visibleUntil"])
    assert utcnow() < ends == end_of_day(utcnow())  # comes down at the end of the demo's day
    assert ends.astimezone(VN).time() == dt.time(0, 0)
    slots = [s for d in data["schedule"]["days"] for s in d["slots"]]
    assert len(slots) == 6  # five working days and one citizen reception
    groups = {e["group"] for e in data["directory"]}
    assert {"party", "council", "committee", "front", "unions"} <= groups
    assert data["portalFooter"]["contentResponsible"][0]["email"].endswith("@thanhhoa.gov.vn")
    assert data["campaignSections"][0]["title"] == "Đề án 06"
    assert seed(ctx)["articles"] == 0
    with ctx.sessions() as session:
        assert session.scalar(select(func.count()).select_from(LegalDocument)) == 1
