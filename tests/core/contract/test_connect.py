"""Connecting a target by consent: core serves the flow, the test plugin speaks OAuth.

The state is bound to the admin's session and used once; PKCE is made by core and checked
by the (fake) platform; the credentials are sealed, write-only, audited; health becomes ok.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from loa_testchannel import oauth
from sqlalchemy import select

from core.audit import AuditEntry
from core.targets.models import ChannelTarget


def _consent(browser, target_id: int) -> dict[str, str]:
    """Start, then play the platform: the admin approves, a code comes back."""
    started = browser.post(f"/channels/connect/{target_id}", {"totpCode": browser.code()})
    assert started.status_code == 200, started.text
    url = urlparse(started.json()["authoriseUrl"])
    assert url.netloc == "consent.test"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["redirect_uri"] == "http://loa.test/channels/connect/callback"
    return {"state": query["state"], "code": oauth.consent(query["code_challenge"])}


def _stored(ctx, target_id: int) -> ChannelTarget:
    with ctx.sessions() as session:
        return session.get(ChannelTarget, target_id)


def test_the_whole_flow_stores_sealed_credentials(ctx, browser, target) -> None:
    answer = _consent(browser, target.id)
    back = browser.client.get("/channels/connect/callback", params=answer)
    assert back.status_code == 200
    assert 'http-equiv="refresh"' in back.text and "/channels/connect/finish?state=" in back.text
    done = browser.client.get(
        "/channels/connect/finish", params={"state": answer["state"]}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == f"/admin/channels/{target.id}"
    row = _stored(ctx, target.id)
    opened = ctx.sealer.open(row.secrets_sealed)
    assert opened["access_token"].startswith("at-") and opened["app_secret"] == "s3cr3t-app"
    assert "at-" not in row.secrets_sealed  # sealed at rest
    assert row.health == "ok" and row.credentials_expire_at is not None
    assert row.settings["account_id"] == "oa-42"
    with ctx.sessions() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "target.connect"))
    assert entry is not None and "at-" not in str(entry.data)


def test_a_state_is_used_once(ctx, browser, target) -> None:
    answer = _consent(browser, target.id)
    browser.client.get("/channels/connect/callback", params=answer)
    first = browser.client.get("/channels/connect/finish", params={"state": answer["state"]})
    assert first.status_code in (200, 303)
    again = browser.client.get("/channels/connect/finish", params={"state": answer["state"]})
    assert again.status_code == 400 and again.json()["error"]["fields"]["state"]


def test_another_session_cannot_finish(ctx, browser, target, client) -> None:
    from tests.core.contract.conftest import Browser

    answer = _consent(browser, target.id)
    browser.client.get("/channels/connect/callback", params=answer)
    other = Browser(ctx, client)  # the same account, another session (a forged callback)
    refused = other.client.get("/channels/connect/finish", params={"state": answer["state"]})
    assert refused.status_code == 400
    assert "another session" in refused.json()["error"]["fields"]["state"]
    assert "access_token" not in ctx.sealer.open(_stored(ctx, target.id).secrets_sealed)


def test_an_unknown_state_is_refused_at_the_callback(client) -> None:
    back = client.get("/channels/connect/callback", params={"state": "forged", "code": "x"})
    assert back.status_code == 400 and "finish" not in back.text


def test_connecting_needs_a_fresh_second_factor(browser, target) -> None:
    refused = browser.post(f"/channels/connect/{target.id}", {})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "STEP_UP_REQUIRED"


def test_a_bearer_token_cannot_connect(client, target, admin_token) -> None:
    refused = client.post(
        f"/channels/connect/{target.id}",
        json={},
        headers={"authorization": f"Bearer {admin_token}"},
    )
    assert refused.status_code == 403


def test_a_code_without_its_verifier_is_refused(ctx, browser, target) -> None:
    answer = _consent(browser, target.id)
    answer["code"] = oauth.consent("not-the-challenge")
    browser.client.get("/channels/connect/callback", params=answer)
    refused = browser.client.get("/channels/connect/finish", params={"state": answer["state"]})
    assert refused.status_code == 400 and "consent" in refused.json()["error"]["fields"]
