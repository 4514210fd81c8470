"""Fetching a remote image into a temp file, for ``loa import``: safe, bounded, streamed.

The request goes through :func:`core.outbound.outbound_client`, the client channels use, so a
post's ``cover_image_url`` cannot make Loa read loopback, the private network or the cloud
metadata address (``LOA_OUTBOUND_ALLOW_NETWORKS`` opens a network on purpose). The body is
streamed to disk and cut off past the image size limit, and the whole fetch, redirects
included, must finish within ``LOA_HTTP_TIMEOUT`` seconds: a slow drip ends there too.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from core.contract.channels import DestinationRefused
from core.outbound import outbound_client
from core.settings import Settings


class FetchFailed(Exception):
    """The file could not be fetched; the message says why (never the body)."""


async def _fetch(settings: Settings, url: str, dest: Path, limit: int) -> None:
    async with (
        outbound_client(
            timeout=settings.http_timeout,
            allow=settings.outbound_allow_networks,
            follow_redirects=True,
        ) as client,
        client.stream("GET", url) as response,
    ):
        if response.status_code != 200:
            raise FetchFailed(f"the server answered HTTP {response.status_code}")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchFailed(f"larger than {limit} bytes ({declared} declared)")
        received = 0
        with dest.open("wb") as fh:
            async for chunk in response.aiter_bytes():
                received += len(chunk)
                if received > limit:
                    raise FetchFailed(f"larger than {limit} bytes")
                fh.write(chunk)


def fetch_to_file(settings: Settings, url: str, dest: Path, limit: int) -> None:
    """Write the body at ``url`` to ``dest``; FetchFailed if refused, too large, slow or not 200."""
    if not url.startswith(("http://", "https://")):
        raise FetchFailed("only http and https URLs are fetched")
    try:
        asyncio.run(asyncio.wait_for(_fetch(settings, url, dest, limit), settings.http_timeout))
    except TimeoutError:
        raise FetchFailed(f"not fetched within {settings.http_timeout:g} s") from None
    except DestinationRefused as exc:  # a non-public address, however it was named
        raise FetchFailed(str(exc)) from None
    except httpx.HTTPError as exc:
        raise FetchFailed(f"{type(exc).__name__}: {exc}") from None
