"""The Zalo OA channel: articles on the OA's timeline, optionally broadcast to its followers.

Publishing is two-step and asynchronous on Zalo: ``article/create`` answers a token and
``article/verify`` turns it into the article id once Zalo has processed it (``-214`` until
then). Zalo takes no idempotency key, so the delivery key rides in the article's
``tracking_link`` (``utm_content``), and ``reconcile`` finds it again by verifying the creation
token this process holds, or by reading the OA's recent articles (CONTRACT.md §3).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import unicodedata
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from core import (
    Allowance,
    AuthError,
    Capabilities,
    ContentRefused,
    Cost,
    Credentials,
    InboundRequest,
    Item,
    MediaAccepts,
    MediaRule,
    OutcomeUnknown,
    PermanentError,
    Preview,
    RateLimited,
    Remote,
    Rendered,
    Target,
    TransientError,
    WebhookEvent,
    WebhookRefused,
)
from plugins.zalo import webhooks
from plugins.zalo.client import (
    API_BASE,
    OAUTH_BASE,
    VN,
    ZaloClient,
    in_quiet_hours,
    seconds_until_morning,
)
from plugins.zalo.plaintext import paragraphs
from plugins.zalo.settings_form import SCHEMA
from plugins.zalo.targeting import compile_target

TITLE_MAX, AUTHOR_MAX, DESCRIPTION_MAX = 150, 50, 300
#: Zalo publishes no body limits; these are the sandbox's (CONTRACT.md §3, assumed).
BODY_BLOCKS_MAX, TEXT_BLOCK_MAX = 100, 10_000
ARTICLE_FIELDS = (
    "type",
    "title",
    "author",
    "description",
    "cover",
    "body",
    "tracking_link",
    "status",
    "comment",
)
#: Creation tokens this process is waiting on: delivery key → token (see reconcile).
PENDING: dict[str, str] = {}
#: How many recent articles ``reconcile`` reads (Zalo's page is at most 10).
RECENT = 10


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").strip()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clock() -> dt.datetime:
    """Now, in UTC: the quiet hours are judged by it (tests set it)."""
    return dt.datetime.now(dt.UTC)


class ZaloChannel:
    """One Zalo Official Account (a target), reached through the OA OpenAPI."""

    name = "zalo"
    title = "Zalo Official Account"
    capabilities = Capabilities(
        audience=frozenset({"age", "gender", "scope", "window", "interactions"}),
        max_title_chars=TITLE_MAX,
        requires_cover=True,
        media=MediaAccepts(
            cover=MediaRule(types=frozenset({"image/jpeg", "image/png"}), max_bytes=1_000_000),
            gallery=MediaRule(max_count=0),
            video=MediaRule(max_count=0),
            attachment=MediaRule(max_count=0),
        ),
        can_update=True,
        can_retract=True,
        can_read_interactions=False,  # Zalo has no API to read article comments
        destinations=frozenset({"api_base", "oauth_base", "app_id", "oa_id"}),
    )
    settings_schema = SCHEMA
    pkce = True
    #: The access token lives 25 h: refresh once 20 h have passed.
    refresh_before = dt.timedelta(hours=5)

    def __init__(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._transport = transport

    # Settings
    def validate_settings(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        if not isinstance(settings.get("app_id"), str) or not settings["app_id"]:
            raise ValueError("app_id (the Zalo app's id) is required")
        for name in ("api_base", "oauth_base"):
            url = settings.get(name)
            if url is not None:
                parts = urlsplit(str(url))
                if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
                    raise ValueError(f"{name} must be an absolute http(s) URL without a query")
        if settings.get("retract", "hide") not in ("hide", "remove"):
            raise ValueError("retract must be 'hide' or 'remove'")
        if not isinstance(settings.get("broadcast", False), bool):
            raise ValueError("broadcast must be true or false")
        for name in ("monthly_articles", "monthly_broadcasts"):
            value = settings.get(name)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise ValueError(f"{name} must be a whole number ≥ 0")
        if not secrets.get("app_secret"):
            raise ValueError("secret 'app_secret' (the Zalo app's secret key) is required")

    # Render
    def render(self, item: Item, target: Target) -> Rendered:
        notes: list[str] = []
        title = _nfc(item.title)
        if len(title) > TITLE_MAX:
            raise ContentRefused(f"tiêu đề dài quá {TITLE_MAX} ký tự (title over {TITLE_MAX})")
        cover = item.cover_image.url if item.cover_image else item.cover_url
        if not cover:
            raise ContentRefused("Zalo cần ảnh bìa (Zalo needs a cover image)")
        summary = _nfc(item.summary) or title
        description = _cut(summary, DESCRIPTION_MAX)
        if description != summary:
            notes.append(
                f"tóm tắt cắt còn {DESCRIPTION_MAX} ký tự (summary cut to {DESCRIPTION_MAX})"
            )
        author = _nfc(item.agency or item.unit_name or item.author) or "UBND"
        if len(author) > AUTHOR_MAX:
            author = _cut(author, AUTHOR_MAX)
            notes.append(f"tác giả cắt còn {AUTHOR_MAX} ký tự (author cut to {AUTHOR_MAX})")
        texts = paragraphs(item.body_html) or [summary]
        if len(texts) > BODY_BLOCKS_MAX:
            texts = [*texts[: BODY_BLOCKS_MAX - 1], "\n".join(texts[BODY_BLOCKS_MAX - 1 :])]
            notes.append("đoạn cuối được gộp (last paragraphs merged into one block)")
        if any(len(t) > TEXT_BLOCK_MAX for t in texts):
            texts = [_cut(t, TEXT_BLOCK_MAX) for t in texts]
            notes.append(f"đoạn dài bị cắt còn {TEXT_BLOCK_MAX} ký tự (long paragraph cut)")
        caption = _nfc(item.cover_caption)
        body: list[dict[str, str]] = [{"type": "text", "content": t} for t in texts]
        article = {
            "type": "normal",
            "title": title,
            "author": author,
            "description": description,
            "cover": {"cover_type": "photo", "photo_url": cover, "status": "show"},
            "body": body,
            "status": "show",  # Zalo's default is hide: an article without it stays invisible
            "comment": "show" if item.audience.interactions_allowed else "hide",
        }
        broadcast = None
        if target.settings.get("broadcast"):
            targeting = compile_target(item.audience)
            notes.extend(targeting.notes)
            if targeting.blocked:
                notes.append(f"không gửi tin truyền thông: {targeting.blocked} (no broadcast)")
            else:
                broadcast = targeting.target
        if item.audience.interactions_allowed:
            notes.append(
                "Zalo không có API đọc bình luận: kiểm duyệt bình luận trong trang quản trị OA "
                "(no comment-reading API: moderate comments in the OA admin)"
            )
        payload = {"article": article, "link": item.url, "broadcast": broadcast}
        text = "\n\n".join([title, description, *texts] + ([caption] if caption else []))
        preview = Preview(
            html=_preview_html(article, caption),
            fields={"title": title, "description": description},
            notes=tuple(notes),
        )
        return Rendered(payload=payload, text=text, preview=preview)

    # Publish, update, retract, reconcile
    async def publish(self, rendered: Rendered, target: Target, *, key: str) -> Remote:
        client = self._client(target)
        article = self._article(rendered, key)
        remote = await self._find(client, key, article["title"])
        if remote is None:
            token = await client.create_article(article)
            PENDING[key] = token
            article_id = await self._verify(client, target, token)
            PENDING.pop(key, None)
            remote = Remote(article_id)
        broadcast = rendered.payload.get("broadcast")
        if broadcast is not None:
            now = clock()
            if in_quiet_hours(now):
                raise RateLimited(
                    "giờ yên lặng 22:00–06:00: tin truyền thông chờ đến 06:00 "
                    "(quiet hours: the broadcast waits for 06:00)",
                    seconds_until_morning(now),
                )
            await client.broadcast(broadcast, [remote.remote_id])
        return remote

    async def update(
        self, remote: Remote, rendered: Rendered, target: Target, *, key: str
    ) -> Remote:
        client = self._client(target)
        token = await client.update_article(
            {**self._article(rendered, key), "id": remote.remote_id}
        )
        with contextlib.suppress(OutcomeUnknown):  # accepted; Zalo applies it once processed
            await self._verify(client, target, token)
        return remote

    async def retract(self, remote: Remote, target: Target, *, key: str) -> None:
        """Hide the article (the window closed; ``retract: remove`` deletes it instead)."""
        client = self._client(target)
        try:
            if target.settings.get("retract", "hide") == "remove":
                await client.remove_article(remote.remote_id)
                return
            detail = await client.article_detail(remote.remote_id)
            body = {k: detail[k] for k in ARTICLE_FIELDS if k in detail}
            await client.update_article({**body, "status": "hide", "id": remote.remote_id})
        except PermanentError as exc:
            if "-201" not in str(exc):
                raise  # -201 "id is invalid": already removed, nothing left to take down

    async def reconcile(self, target: Target, *, key: str) -> Remote | None:
        """What an attempt under ``key`` created: verify its token, else read recent articles.

        While Zalo still processes the article, ``TransientError`` (-214): core reconciles
        again later and never re-posts meanwhile; the delivery shows why it waits.
        """
        client = self._client(target)
        token = PENDING.get(key)
        if token is not None:
            try:
                article_id = await client.verify_article(token)
            except PermanentError:
                PENDING.pop(key, None)  # a token Zalo no longer knows: read the articles
            else:
                PENDING.pop(key, None)
                return Remote(article_id)
        return await self._find(client, key, None)

    # Connect and refresh (OAuth v4 with PKCE)
    def authorise_url(
        self, target: Target, *, redirect_uri: str, state: str, code_challenge: str | None
    ) -> str:
        base = str(target.settings.get("oauth_base") or OAUTH_BASE).rstrip("/")
        query = {
            "app_id": str(target.settings.get("app_id", "")),
            "redirect_uri": redirect_uri,
            "code_challenge": code_challenge or "",
            "state": state,
        }
        return f"{base}/v4/oa/permission?{urlencode(query)}"

    async def exchange_code(
        self,
        target: Target,
        *,
        params: Mapping[str, str],
        redirect_uri: str,
        code_verifier: str | None,
    ) -> Credentials:
        form = {
            "code": params.get("code", ""),
            "grant_type": "authorization_code",
            "code_verifier": code_verifier or "",
        }
        settings = {"oa_id": params["oa_id"]} if params.get("oa_id") else {}
        return await self._tokens(target, form, settings)

    async def refresh(self, target: Target) -> Credentials:
        """Spend the single-use refresh token for a new pair; core stores it before use."""
        token = target.secrets.get("refresh_token", "")
        if not token:
            raise AuthError("Zalo: no refresh token; the OA admin must consent again")
        return await self._tokens(
            target, {"refresh_token": token, "grant_type": "refresh_token"}, {}
        )

    async def _tokens(
        self, target: Target, form: Mapping[str, str], settings: Mapping[str, Any]
    ) -> Credentials:
        access, refresh, seconds = await self._client(target).access_token(
            str(target.settings.get("app_id", "")), target.secrets.get("app_secret", ""), form
        )
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
        return Credentials(
            {"access_token": access, "refresh_token": refresh}, expires, dict(settings)
        )

    # Webhooks and replies
    def verify_subscription(self, target: Target, request: InboundRequest) -> str:
        raise WebhookRefused("Zalo verifies its webhook URL in the developer console, not by GET")

    def receive(self, target: Target, request: InboundRequest) -> list[WebhookEvent]:
        return webhooks.receive(target, request)

    async def reply(self, target: Target, *, to: str, text: str, key: str) -> Remote:
        """A consultation message quoting the citizen's; refused (-230) after Zalo's 7 days."""
        return Remote(await self._client(target).reply(to, _nfc(text)))

    # Costs
    def estimate_cost(self, rendered: Rendered, target: Target) -> Cost:
        amounts = {"articles": 1.0}
        note = "article/create"
        if rendered.payload.get("broadcast") is not None:
            amounts["broadcasts"] = 1.0
            note += " + oa/message (broadcast)"
        return Cost(amounts, note=note)

    async def allowance(self, target: Target) -> Allowance:
        """The OA's monthly allowances as the office set them (Zalo has no endpoint for them)."""
        start, reset = month_bounds(dt.datetime.now(dt.UTC))
        left = {
            name: float(target.settings[setting])
            for name, setting in (
                ("articles", "monthly_articles"),
                ("broadcasts", "monthly_broadcasts"),
            )
            if isinstance(target.settings.get(setting), int)
        }
        return Allowance(left=left, since=start, resets_at=reset)

    # Helpers
    def _article(self, rendered: Rendered, key: str) -> dict[str, Any]:
        link = str(rendered.payload.get("link") or "")
        article = dict(rendered.payload["article"])
        if link.startswith(("http://", "https://")):
            joiner = "&" if "?" in link else "?"
            marker = urlencode({"utm_source": "zalo", "utm_medium": "oa", "utm_content": key})
            article["tracking_link"] = f"{link}{joiner}{marker}"
        return article

    async def _verify(self, client: ZaloClient, target: Target, token: str) -> str:
        attempts = int(target.settings.get("verify_attempts", 4))
        delay = float(target.settings.get("verify_delay", 2.0))
        for attempt in range(max(1, attempts)):
            try:
                return await client.verify_article(token)
            except TransientError as exc:
                if "-214" not in str(exc):
                    raise
                if attempt + 1 < attempts:
                    await asyncio.sleep(delay)
        raise OutcomeUnknown(
            "Zalo đang xử lý bài viết, sẽ kiểm tra lại (Zalo is still processing the article)"
        )

    async def _find(self, client: ZaloClient, key: str, title: str | None) -> Remote | None:
        marker = f"utm_content={key}"
        for media in await client.recent_articles(RECENT):
            if title is not None and media.get("title") != title:
                continue
            detail = await client.article_detail(str(media["id"]))
            if marker in str(detail.get("tracking_link", "")):
                return Remote(str(media["id"]), str(media.get("link_view") or ""))
        return None

    async def check_connection(self, target: Target) -> str:
        """The OA answers with its access token (its latest article list)."""
        if not target.secrets.get("access_token"):
            raise AuthError("the Official Account is not connected: no access token")
        await self._client(target).recent_articles(limit=1)
        return "Official Account trả lời (the Official Account answers)"

    def _client(self, target: Target) -> ZaloClient:
        return ZaloClient(
            api_base=str(target.settings.get("api_base") or API_BASE),
            oauth_base=str(target.settings.get("oauth_base") or OAUTH_BASE),
            access_token=target.secrets.get("access_token", ""),
            timeout=target.timeout,
            allow_networks=target.allow_networks,
            transport=self._transport,
        )


def month_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The calendar month (Vietnam time) holding ``now``, in UTC: Zalo's allowances reset then."""
    local = now.astimezone(VN)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    reset = (start + dt.timedelta(days=32)).replace(day=1)
    return start.astimezone(dt.UTC), reset.astimezone(dt.UTC)


def _preview_html(article: Mapping[str, Any], caption: str) -> str:
    cover = html.escape(article["cover"]["photo_url"])
    blocks = "".join(f"<p>{html.escape(b['content'])}</p>" for b in article["body"])
    return (
        f'<article class="zalo-article"><img src="{cover}" alt="{html.escape(caption)}">'
        f"<h2>{html.escape(article['title'])}</h2><p><em>{html.escape(article['author'])}</em></p>"
        f"<p>{html.escape(article['description'])}</p>{blocks}</article>"
    )
