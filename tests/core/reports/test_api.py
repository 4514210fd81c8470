"""Reports through the management GraphQL and the CSV download route, with real tokens."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.content.models import Status
from core.context import Context
from core.delivery.models import DeliveryState
from core.quota.periods import quarter_of
from core.settings import Settings
from tests.core.reports.support import Rows, at, token_for

Gql = Callable[..., Any]

QUOTA = """query($unit: String!, $quarters: Int) {
  quotaReport(unit: $unit, quarters: $quarters) {
    period current start end unitCode
    agencies { agencyId agencyName unitCode published behind }
    behind { agencyName }
    csv
  }
}"""
PERIODIC = """query($unit: String!, $period: String!) {
  periodicReport(unit: $unit, period: $period) {
    unitCode unitName period start end items
    byStatus { status count }
    byChannel { plugin name delivered failed needsAttention pending cancelled total successRate }
    leadTime { items medianHours p90Hours }
    interactions { tracked note comments byChannel { plugin comments hidden } }
    csv
  }
}"""


def parse_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.fixture
def quota_data(rows: Rows) -> dict[str, int]:
    now = dt.datetime.now(dt.UTC)
    active = rows.agency("UBND xã Cẩm Thủy", "14932")
    idle = rows.agency("UBND xã Cẩm Thạch", "14950")
    rows.article("14932", agency=active, created=now, published=now - dt.timedelta(seconds=1))
    rows.article("14950", agency=idle, status=Status.DRAFT, created=now)
    return {"active": active, "idle": idle}


@pytest.fixture
def july(rows: Rows) -> dict[str, int]:
    a = rows.article("14932", created=at("2026-07-05T01:00"), published=at("2026-07-05T05:00"))
    rows.article("14950", status=Status.DRAFT, created=at("2026-07-06T01:00"))
    portal = rows.target("portal", "Cổng TTĐT Thanh Hóa", "38")
    rows.delivery(a, portal, DeliveryState.DELIVERED, at("2026-07-05T05:00"))
    rows.delivery(a, portal, DeliveryState.FAILED, at("2026-07-05T05:00"))
    return {"article": a, "portal": portal}


def test_quota_report_names_who_is_behind_this_quarter(
    management: TestClient, gql: Gql, admin_token: str, quota_data: dict[str, int]
) -> None:
    body = gql(management, QUOTA, token=admin_token, unit="38", quarters=2)
    assert "errors" not in body, body
    current, previous = body["data"]["quotaReport"]
    assert current["period"] == quarter_of(dt.datetime.now(dt.UTC)).label
    assert (current["current"], previous["current"]) == (True, False)
    assert current["behind"] == [{"agencyName": "UBND xã Cẩm Thạch"}]
    assert {a["agencyName"]: (a["published"], a["behind"]) for a in current["agencies"]} == {
        "UBND xã Cẩm Thủy": (1, False),
        "UBND xã Cẩm Thạch": (0, True),
    }
    assert len(previous["behind"]) == 2
    (row,) = [r for r in parse_csv(current["csv"]) if r["Cơ quan (Agency)"] == "UBND xã Cẩm Thạch"]
    assert row["Chưa đạt chỉ tiêu (Behind quota)"] == "Có (yes)"
    # the default is four quarters
    body = gql(management, '{ quotaReport(unit: "14950") { period } }', token=admin_token)
    assert len(body["data"]["quotaReport"]) == 4
    body = gql(management, QUOTA, token=admin_token, unit="14950", quarters=None)
    assert len(body["data"]["quotaReport"]) == 4


def test_periodic_report(
    management: TestClient, gql: Gql, admin_token: str, july: dict[str, int]
) -> None:
    body = gql(management, PERIODIC, token=admin_token, unit="38", period="2026-07")
    assert "errors" not in body, body
    report = body["data"]["periodicReport"]
    assert (report["unitCode"], report["period"], report["items"]) == ("38", "2026-07", 2)
    assert report["start"].startswith("2026-06-30T17:00:00")
    assert {s["status"]: s["count"] for s in report["byStatus"] if s["count"]} == {
        "published": 1,
        "draft": 1,
    }
    (portal,) = report["byChannel"]
    assert (portal["plugin"], portal["delivered"], portal["failed"]) == ("portal", 1, 1)
    assert portal["successRate"] == pytest.approx(0.5)
    assert report["leadTime"] == {"items": 1, "medianHours": 4.0, "p90Hours": 4.0}
    assert report["interactions"]["tracked"] in (True, False)
    rows = parse_csv(report["csv"])
    assert {r["Kỳ báo cáo (Period)"] for r in rows} == {"2026-07"}


def test_typed_errors(
    management: TestClient, gql: Gql, ctx: Context, admin_token: str, july: dict[str, int]
) -> None:
    body = gql(management, PERIODIC, token=admin_token, unit="38", period="2026-Q9")
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "period" in body["errors"][0]["extensions"]["fields"]
    body = gql(management, QUOTA, token=admin_token, unit="38", quarters=0)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = gql(management, QUOTA, token=admin_token, unit="nope")
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert list(body["errors"][0]["extensions"]["fields"]) == ["unit"]
    hanoi = token_for(ctx, "bbt-ha-noi", "01", "approver", ["read"])
    body = gql(management, PERIODIC, token=hanoi, unit="38", period="2026-07")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = gql(management, QUOTA, token=hanoi, unit="38")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = gql(management, QUOTA, token=hanoi, unit="00004")
    assert "errors" not in body, body


@pytest.fixture
def web(settings: Settings, ctx: Context) -> Iterator[TestClient]:
    from core.app import create_app

    app = create_app(settings, ctx=ctx, embedded_worker=False)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_csv_route_requires_authentication(
    web: TestClient, admin_token: str, quota_data: dict[str, int]
) -> None:
    url = "/api/reports/quota.csv?unit=38"
    for headers in ({}, {"Authorization": "Bearer loa_000000000000_" + "x" * 43}):
        response = web.get(url, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "UNAUTHENTICATED"
        assert "UBND" not in response.text
    response = web.get(url, headers={"Authorization": f"Bearer {admin_token}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = parse_csv(response.content.decode("utf-8"))
    assert len(rows) == 2 * 4  # two agencies, four quarters
    behind = {
        r["Cơ quan (Agency)"]
        for r in rows[:2]
        if r["Chưa đạt chỉ tiêu (Behind quota)"] == "Có (yes)"
    }
    assert behind == {"UBND xã Cẩm Thạch"}


def test_csv_route_periodic_and_its_errors(
    web: TestClient, ctx: Context, admin_token: str, july: dict[str, int]
) -> None:
    auth = {"Authorization": f"Bearer {admin_token}"}
    response = web.get("/api/reports/periodic.csv?unit=38&period=2026-07", headers=auth)
    assert response.status_code == 200, response.text
    rows = parse_csv(response.content.decode("utf-8"))
    assert ("Đã đăng (published)", "1") in {
        (r["Đối tượng (Subject)"], r["Giá trị (Value)"]) for r in rows
    }
    for url, status, code in [
        ("/api/reports/periodic.csv?unit=38&period=2026-Q9", 400, "BAD_USER_INPUT"),
        ("/api/reports/periodic.csv?unit=38", 400, "BAD_USER_INPUT"),
        ("/api/reports/quota.csv", 400, "BAD_USER_INPUT"),
        ("/api/reports/quota.csv?unit=38&quarters=many", 400, "BAD_USER_INPUT"),
        ("/api/reports/quota.csv?unit=nope", 404, "NOT_FOUND"),
        ("/api/reports/salaries.csv?unit=38", 404, "NOT_FOUND"),
    ]:
        response = web.get(url, headers=auth)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), url
    hanoi = token_for(ctx, "bbt-ha-noi", "01", "approver", ["read"])
    response = web.get(
        "/api/reports/periodic.csv?unit=38&period=2026-07",
        headers={"Authorization": f"Bearer {hanoi}"},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")
