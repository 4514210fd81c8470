"""Media fixtures: ``media_settings`` and ``media_store``, once per storage backend.

Every test that takes ``media_store`` runs twice: on the local filesystem and on a real
S3-compatible server over HTTP (moto's server, started here once per session in a child
process, with a fresh bucket for each test). moto is a dev dependency: nothing here skips, so
``make test`` covers both backends everywhere, CI included.

The server runs in its own process, not in a thread of this one, so that what a test measures
of this process (tracemalloc in the streaming tests) is the client's memory, not the server's.
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from core.context import Context
from core.media.storage import MediaStore, make_store
from core.settings import Secret, Settings
from tests.support.servers import free_port, serving

S3_ACCESS_KEY_ID = "loa-test-access-key"
S3_SECRET = "loa-test-SECRET-never-logged"
_buckets = itertools.count()


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """URL of a local S3-compatible server (moto in server mode) for the whole session."""
    port = free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with serving(command, port, "the moto S3 server"):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def s3_settings(settings: Settings, s3_endpoint: str) -> Settings:
    """``settings`` with media in a new, empty bucket of the session's S3 server."""
    s3_settings = dataclasses.replace(
        settings,
        media_store="s3",
        s3_endpoint_url=s3_endpoint,
        s3_bucket=f"loa-media-{next(_buckets)}",
        s3_region="us-east-1",
        s3_access_key_id=S3_ACCESS_KEY_ID,
        s3_secret_access_key=Secret(S3_SECRET),
    )
    _client(s3_settings).create_bucket(Bucket=s3_settings.s3_bucket)
    return s3_settings


@pytest.fixture(params=["file", "s3"])
def media_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """``settings`` with media on the local filesystem, then on S3 (an empty bucket)."""
    if request.param == "file":
        return dataclasses.replace(settings, media_store="file")
    s3: Settings = request.getfixturevalue("s3_settings")
    return s3


@pytest.fixture
def media_store(media_settings: Settings) -> MediaStore:
    return make_store(media_settings)


def _client(settings: Settings) -> Any:
    import boto3

    assert settings.s3_secret_access_key is not None
    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=settings.s3_secret_access_key.reveal(),
    )


# --- the media library's tests: a context keeping its media in ``media_store`` -----------------
@pytest.fixture
def library(ctx: Context, tree: dict[str, Any], media_store: MediaStore) -> MediaStore:
    """``ctx`` (with the test tree) keeping its media in ``media_store``: both backends."""
    from core.media.current_store import EXTRA

    ctx.extras[EXTRA] = media_store
    return media_store


@pytest.fixture
def web(ctx: Context, library: MediaStore) -> Iterator[Any]:
    """The whole app (edge included) on ``ctx``, with the media store of ``library``."""
    from starlette.testclient import TestClient

    from core.app import create_app

    app = create_app(ctx.settings, ctx=ctx, embedded_worker=False)
    with TestClient(
        app, base_url="http://loa.test", raise_server_exceptions=False, follow_redirects=False
    ) as client:
        yield client
