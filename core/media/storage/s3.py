"""Media in S3-compatible object storage: for several web processes on several machines.

Vietnamese government clouds, MinIO and Ceph (RADOS Gateway) all speak the S3 API, so one
client (boto3) serves them all; ``LOA_S3_ENDPOINT_URL`` names the service. The endpoint is
operator configuration, never user input, so it is reached through plain boto3 rather than
Loa's outbound guard for channel calls.

An S3 object appears whole or not at all: a single PUT is atomic and a multipart upload becomes
visible only when completed (s3transfer aborts it on failure), so no reader sees half a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from core.media.storage.base import (
    CHUNK_SIZE,
    MediaMissing,
    checked_key,
    checked_prefix,
    checked_range,
)
from core.settings import Settings

#: Files over 8 MiB go up in 8 MiB parts, two at a time: bounded memory, resumable parts.
_TRANSFER = TransferConfig(
    multipart_threshold=8 * 1024 * 1024,
    multipart_chunksize=8 * 1024 * 1024,
    max_concurrency=2,
)
_MISSING = {"404", "NoSuchKey", "NotFound"}
#: Keys per ListObjectsV2 page (S3's own maximum); ``keys`` follows the continuation tokens.
_PAGE_SIZE = 1000


class S3Store:
    """Objects in one bucket, one per key; the boto3 client is built once, here."""

    def __init__(self, settings: Settings) -> None:
        self.bucket = settings.s3_bucket
        secret = settings.s3_secret_access_key
        self._client: Any = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            # Unset: boto3's own chain (instance profile, its config files) finds credentials.
            aws_access_key_id=settings.s3_access_key_id,
            aws_secret_access_key=secret.reveal() if secret else None,
            config=Config(
                # MinIO and Ceph are usually reached by IP or one host name: path-style URLs.
                s3={"addressing_style": "path" if settings.s3_endpoint_url else "auto"},
                signature_version="s3v4",
                connect_timeout=settings.http_timeout,
                read_timeout=max(settings.http_timeout, 60.0),
                retries={"mode": "standard", "max_attempts": 3},
            ),
        )

    def __repr__(self) -> str:
        return f"S3Store(bucket={self.bucket!r})"

    def put_file(self, key: str, path: Path, content_type: str) -> None:
        if self.exists(key):
            return  # content-addressed: the same key already holds the same bytes
        self._client.upload_file(
            str(path),
            self.bucket,
            key,
            ExtraArgs={"ContentType": content_type},
            Config=_TRANSFER,
        )

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except MediaMissing:
            return False
        return True

    def size(self, key: str) -> int:
        return int(self._head(key)["ContentLength"])

    def read_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        checked_range(start, end)
        request: dict[str, str] = {"Bucket": self.bucket, "Key": checked_key(key)}
        if start or end is not None:
            request["Range"] = f"bytes={start}-{'' if end is None else end}"
        try:
            answer = self._client.get_object(**request)
        except ClientError as exc:
            code = _code(exc)
            if code in _MISSING:
                raise MediaMissing(key) from None
            if code == "InvalidRange":  # start at or past the end: nothing to read
                return iter(())
            raise
        return _chunks(answer["Body"])

    def delete(self, key: str) -> None:
        self._client.delete_object(Bucket=self.bucket, Key=checked_key(key))

    def keys(self, prefix: str = "") -> Iterator[str]:
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket,
            Prefix=checked_prefix(prefix),
            PaginationConfig={"PageSize": _PAGE_SIZE},
        )
        for page in pages:
            for entry in page.get("Contents", ()):
                yield entry["Key"]

    def _head(self, key: str) -> dict[str, Any]:
        try:
            return dict(self._client.head_object(Bucket=self.bucket, Key=checked_key(key)))
        except ClientError as exc:
            if _code(exc) in _MISSING:
                raise MediaMissing(key) from None
            raise


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _chunks(body: Any) -> Iterator[bytes]:
    """The response body in pieces of at most :data:`CHUNK_SIZE`, closed when done or dropped."""
    try:
        yield from body.iter_chunks(CHUNK_SIZE)
    finally:
        body.close()
