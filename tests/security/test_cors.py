"""CORS: public reads are readable from the origins an operator names, and nothing else is.

The attack: a CORS policy that reflects any origin with credentials lets any web page act
as the signed-in official (management API, admin) and read the answers. Only the anonymous
read endpoints are shared; credentials never are; the management API never answers a
cross-origin preflight, even with ``LOA_CORS_ORIGINS=*``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from core.app import create_app
from core.context import Context
from core.settings import Settings, SettingsError, load_settings

PORTAL = "https://xa-camthuy.thanhhoa.gov.vn"
QUERY = {"query": "{ units { code } }"}


def client_for(settings: Settings, ctx: Context, origins: tuple[str, ...]) -> TestClient:
    settings = dataclasses.replace(settings, cors_origins=origins)
    ctx = dataclasses.replace(ctx, settings=settings)
    return TestClient(create_app(settings, ctx=ctx, embedded_worker=False))


@pytest.fixture
def portal_only(settings: Settings, ctx: Context, tree: dict[str, Any]) -> Iterator[TestClient]:
    with client_for(settings, ctx, (PORTAL,)) as client:
        yield client


def preflight(client: TestClient, path: str, origin: str, **extra: str) -> Any:
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
        **extra,
    }
    return client.options(path, headers=headers)


def test_an_allowed_origin_reads_graphql_after_a_preflight(portal_only: TestClient) -> None:
    answer = preflight(portal_only, "/graphql", PORTAL)
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == PORTAL
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert "content-type" in answer.headers["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in answer.headers
    assert answer.headers["vary"] == "Origin"
    response = portal_only.post("/graphql", json=QUERY, headers={"Origin": PORTAL})
    assert response.status_code == 200 and response.json()["data"]["units"]
    assert response.headers["access-control-allow-origin"] == PORTAL
    assert "ETag" in response.headers["access-control-expose-headers"]
    assert "access-control-allow-credentials" not in response.headers
    assert "Origin" in response.headers["vary"]


def test_other_origins_and_the_signed_in_surfaces_get_no_cors(portal_only: TestClient) -> None:
    refused = preflight(portal_only, "/graphql", "https://evil.example")
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers
    response = portal_only.post("/graphql", json=QUERY, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers
    # A header outside the list (a credential) is refused at the preflight.
    odd = preflight(
        portal_only, "/graphql", PORTAL, **{"Access-Control-Request-Headers": "authorization"}
    )
    assert odd.status_code == 403
    for path in ("/api/graphql", "/admin/login", "/api/media"):
        answer = preflight(portal_only, path, PORTAL)
        assert "access-control-allow-origin" not in answer.headers, path
        assert answer.status_code != 204, path
    api = portal_only.post("/api/graphql", json=QUERY, headers={"Origin": PORTAL})
    assert "access-control-allow-origin" not in api.headers


def test_star_is_any_origin_without_credentials_and_never_the_api(
    settings: Settings, ctx: Context, tree: dict[str, Any]
) -> None:
    with client_for(settings, ctx, ("*",)) as client:
        answer = preflight(client, "/graphql", "https://any.example")
        assert answer.status_code == 204
        assert answer.headers["access-control-allow-origin"] == "*"
        feed = client.get("/sitemap.xml", headers={"Origin": "https://any.example"})
        assert feed.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in feed.headers
        api = preflight(client, "/api/graphql", "https://any.example")
        assert "access-control-allow-origin" not in api.headers


def test_no_origin_is_allowed_by_default(
    settings: Settings, ctx: Context, tree: dict[str, Any]
) -> None:
    assert load_settings({}).cors_origins == ()
    with client_for(settings, ctx, ()) as client:
        assert preflight(client, "/graphql", PORTAL).status_code == 403
        response = client.post("/graphql", json=QUERY, headers={"Origin": PORTAL})
        assert response.status_code == 200
        assert "access-control-allow-origin" not in response.headers


def test_the_setting_takes_origins_or_star_and_refuses_anything_else() -> None:
    parsed = load_settings({"LOA_CORS_ORIGINS": f" {PORTAL} , http://localhost:5173,*"})
    assert parsed.cors_origins == (PORTAL, "http://localhost:5173", "*")
    for bad in ("xa-camthuy.gov.vn", "https://x.gov.vn/tin-tuc", "ftp://x.gov.vn", "https://"):
        with pytest.raises(SettingsError, match="LOA_CORS_ORIGINS"):
            load_settings({"LOA_CORS_ORIGINS": bad})
