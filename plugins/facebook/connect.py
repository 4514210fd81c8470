"""Connecting a Page by Facebook Login, and the daily check of its Page token.

Facebook Login gives a code; the code gives a short-lived user token, exchanged for a
long-lived one (``fb_exchange_token``); ``/me/accounts`` gives the Page token, which does
not expire when taken from a long-lived user token. Loa keeps only the **Page** token (never
the user token: a user token posts nothing unpublished, PR #1881's trap) after
``/debug_token`` says it is a valid ``PAGE`` token of this Page with the needed scopes, and
subscribes the app to the Page's ``feed`` webhooks.

There is no refresh token. ``expires_at`` is set a day ahead so core's refresh runs
``refresh`` daily (before a delivery once the day has passed): it asks ``/debug_token``
again; a dead token is an ``AuthError`` (the target needs re-authorisation, its admins are
alerted). Whether the Page lets visitors post (S4.4 wants it off) is recorded in the
target's settings as ``visitor_posts`` at each check.

Facebook's region keys are resolved here too (``regions.py``): for the whole country once at
connection, then at each check only for the provinces still without a key; they are stored in
the target's settings (``region_keys``, old province code → key; ``regions_unmatched``: the
provinces Facebook has no region for). When a search fails the check comes back within the
hour (``expires_at``) instead of a day, so a missing key is looked up again before long
without any delivery ever searching.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from core import AuthError, Credentials, PermanentError, Target
from plugins.facebook.regions import Lookup, resolve, search_names

if TYPE_CHECKING:
    from plugins.facebook.client import GraphClient

DIALOG = "https://www.facebook.com"
CHECK_EVERY = dt.timedelta(days=1)
#: When a region search failed: the next check (and search) comes this soon.
RETRY_REGIONS = dt.timedelta(hours=1)
SCOPES = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_posts",
    "pages_manage_engagement",
    "pages_read_user_content",
    "pages_manage_metadata",
    "publish_video",
)
#: Without these a Page cannot be published to and moderated.
REQUIRED = frozenset({"pages_manage_posts", "pages_manage_engagement", "pages_read_engagement"})


class ConnectMixin:
    pkce = False
    refresh_before = dt.timedelta(0)

    def client(self, target: Target, token: str | None = None) -> GraphClient:
        raise NotImplementedError

    def authorise_url(
        self, target: Target, *, redirect_uri: str, state: str, code_challenge: str | None
    ) -> str:
        base = str(target.settings.get("dialog_url", DIALOG)).rstrip("/")
        version = str(target.settings.get("graph_version", "v26.0"))
        query = {
            "client_id": str(target.settings.get("app_id", "")),
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            "scope": ",".join(SCOPES),
        }
        return f"{base}/{version}/dialog/oauth?{urlencode(query)}"

    async def exchange_code(
        self,
        target: Target,
        *,
        params: Mapping[str, str],
        redirect_uri: str,
        code_verifier: str | None,
    ) -> Credentials:
        code = params.get("code", "")
        if not code:
            raise AuthError(
                f"Facebook Login did not give a code ({params.get('error', 'refused')})"
            )
        try:
            return await self._exchange(target, code, redirect_uri)
        except PermanentError as exc:  # a used or expired code, a wrong redirect URI
            raise AuthError(f"Facebook refused the consent: {exc}") from None

    async def _exchange(self, target: Target, code: str, redirect_uri: str) -> Credentials:
        app_id = str(target.settings.get("app_id", ""))
        secret = target.secrets.get("app_secret", "")
        app = self.client(target, token=f"{app_id}|{secret}")
        short = await app.call(
            "GET",
            "oauth/access_token",
            params={
                "client_id": app_id,
                "client_secret": secret,
                "redirect_uri": redirect_uri,
                "code": code,
            },
        )
        long = await app.call(
            "GET",
            "oauth/access_token",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": app_id,
                "client_secret": secret,
                "fb_exchange_token": str(short.get("access_token", "")),
            },
        )
        user = self.client(target, token=str(long.get("access_token", "")))
        accounts = await user.call(
            "GET", "me/accounts", params={"fields": "id,name,access_token,tasks"}
        )
        page_id = str(target.settings.get("page_id", ""))
        page = next((p for p in accounts.get("data", []) if str(p.get("id")) == page_id), None)
        if page is None or not page.get("access_token"):
            raise AuthError(
                f"the account that consented does not manage Page {page_id}: connect with an"
                " admin of that Page"
            )
        page_token = str(page["access_token"])
        settings = await self._check(target, page_token)
        settings["page_name"] = str(page.get("name", ""))
        # The app hears the Page's comments by webhook (``feed``): subscribe it now.
        await self.client(target, token=page_token).call(
            "POST", f"{page_id}/subscribed_apps", data={"subscribed_fields": "feed"}
        )
        lookup = await resolve(self.client(target, token=page_token), search_names())
        settings.update(_region_settings({}, lookup))
        return Credentials(
            secrets={"page_token": page_token},
            expires_at=_next_check(lookup),
            settings=settings,
            notice=_visitor_notice(settings),
        )

    async def refresh(self, target: Target) -> Credentials:
        """The daily check: the Page token is still a valid Page token (no refresh exists)."""
        token = target.secrets.get("page_token", "")
        if not token:
            raise AuthError("the Page is not connected: no Page token")
        settings = await self._check(target, token)
        known = _stored_keys(target)
        missing = [code for code in search_names() if code not in known]
        lookup = Lookup()
        if missing:  # once every province has its key, a check searches nothing
            lookup = await resolve(self.client(target), missing)
            before = target.settings.get("regions_unmatched")
            settings.update(_region_settings(known, lookup, before))
        return Credentials(
            secrets={},
            expires_at=_next_check(lookup),
            settings=settings,
            notice=_visitor_notice(settings),
        )

    async def _check(self, target: Target, page_token: str) -> dict[str, Any]:
        app_id = str(target.settings.get("app_id", ""))
        page_id = str(target.settings.get("page_id", ""))
        data = await self.client(target).debug_token(app_id, page_token)
        if not data.get("is_valid"):
            sub = (data.get("error") or {}).get("subcode")
            raise AuthError(f"Facebook says the Page token is no longer valid (190/{sub})")
        if data.get("type") != "PAGE" or str(data.get("profile_id", "")) != page_id:
            raise AuthError(
                f"the token is not a Page token of Page {page_id} (it is {data.get('type')})"
            )
        missing = REQUIRED - set(data.get("scopes") or [])
        if missing:
            raise AuthError("Facebook Login did not grant " + ", ".join(sorted(missing)))
        allowed = await self.client(target, token=page_token).users_can_post()
        state = "unknown" if allowed is None else ("allowed" if allowed else "off")
        return {"visitor_posts": state}


def _visitor_notice(settings: dict[str, Any]) -> str:
    """S4.4 wants visitors' posts off on an official Page: say so in the target's health."""
    if settings.get("visitor_posts") != "allowed":
        return ""
    return (
        "Trang đang cho phép khách đăng bài lên Trang; quy định (S4.4) yêu cầu tắt: vào Cài đặt"
        " Trang → Quyền riêng tư → Bài viết của người khác. (The Page lets visitors post; the"
        " rules want it off.)"
    )


def _stored_keys(target: Target) -> dict[str, str]:
    keys = target.settings.get("region_keys")
    if not isinstance(keys, dict):
        return {}
    return {str(k): str(v) for k, v in keys.items() if k and v}


def _region_settings(
    known: Mapping[str, str], lookup: Lookup, unmatched_before: Any = None
) -> dict[str, Any]:
    """The keys found so far; unmatched: this round's, and earlier ones it did not reach."""
    earlier = unmatched_before if isinstance(unmatched_before, list) else []
    unmatched = {*lookup.unmatched, *(c for c in earlier if c in lookup.pending)}
    return {"region_keys": {**known, **lookup.keys}, "regions_unmatched": sorted(unmatched)}


def _next_check(lookup: Lookup) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + (RETRY_REGIONS if lookup.pending else CHECK_EVERY)
