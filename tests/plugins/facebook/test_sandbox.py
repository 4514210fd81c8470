"""The sandbox's own strictness and its control plane, as a demo audience and tests use them."""

from __future__ import annotations

import httpx

from plugins.facebook.client import appsecret_proof
from tests.plugins.facebook.support import APP_ID, APP_SECRET, PAGE_ID, PAGE_TOKEN


def _post(sandbox, path, token, data=None, proof=True):
    params = {"appsecret_proof": appsecret_proof(APP_SECRET, token)} if proof else {}
    return httpx.post(
        f"{sandbox.url}/v26.0/{path}",
        data=data or {},
        params=params,
        headers={"authorization": f"Bearer {token}"},
    )


def test_a_user_token_cannot_post_unpublished_as_the_page(sandbox):
    code = sandbox.control("consent", {})["code"]
    user_token = sandbox.state.codes[code]
    answer = _post(sandbox, f"{PAGE_ID}/feed", user_token, {"message": "x", "published": "false"})
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == 200
    assert "as the page itself" in answer.json()["error"]["message"]


def test_attached_media_must_be_unpublished_photos_of_the_page(sandbox):
    published = httpx.post(
        f"{sandbox.url}/{PAGE_ID}/photos",
        params={"appsecret_proof": appsecret_proof(APP_SECRET, PAGE_TOKEN)},
        headers={"authorization": f"Bearer {PAGE_TOKEN}"},
        files={"source": ("a.jpg", b"\xff\xd8" + b"1" * 50, "image/jpeg")},
    ).json()
    assert published["post_id"]
    answer = _post(
        sandbox,
        f"{PAGE_ID}/feed",
        PAGE_TOKEN,
        {"attached_media": f'[{{"media_fbid":"{published["id"]}"}}]'},
    )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == 100


def test_the_page_shows_posts_and_comments_escaped(sandbox):
    made = _post(sandbox, f"{PAGE_ID}/feed", PAGE_TOKEN, {"message": "<script>alert(1)</script>"})
    sandbox.control("comments", {"post_id": made.json()["id"], "message": "<img src=x onerror=1>"})
    page = httpx.get(f"{sandbox.url}/").text
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<img" not in page and 'rel="stylesheet"' in page and "<style" not in page
    assert "Thua Thien-Hue: SANDBOX-R" in page and "FAKE keys" in page  # the search's table


def test_visitor_posts_only_where_the_page_allows_them_and_emitted_signed(sandbox):
    refused = httpx.post(
        f"{sandbox.url}/__fake/visitor_posts", json={"page_id": PAGE_ID, "message": "Hỏi"}
    )
    assert refused.status_code == 422
    sandbox.control(
        "pages", {"page_id": PAGE_ID, "name": "UBND", "token": PAGE_TOKEN, "users_can_post": True}
    )
    made = sandbox.control("visitor_posts", {"page_id": PAGE_ID, "message": "Hỏi"})
    assert made["webhook"]["signature"].startswith("sha256=")
    assert sandbox.control("webhooks")["webhooks"][-1] == made["webhook"]


def test_debug_token_reports_kind_validity_and_death(sandbox):
    def debug(token):
        return httpx.get(
            f"{sandbox.url}/debug_token",
            params={"input_token": token},
            headers={"authorization": f"Bearer {APP_ID}|{APP_SECRET}"},
        ).json()["data"]

    data = debug(PAGE_TOKEN)
    assert data["type"] == "PAGE" and data["is_valid"] and data["profile_id"] == PAGE_ID
    sandbox.control("tokens/expire", {"token": PAGE_TOKEN})
    data = debug(PAGE_TOKEN)
    assert data["is_valid"] is False and data["error"]["subcode"] == 463
    assert debug("nonsense")["is_valid"] is False
