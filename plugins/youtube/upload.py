"""``videos.insert`` over the resumable protocol, streamed from Loa's media store.

1. ``POST /upload/youtube/v3/videos?uploadType=resumable&part=…`` with the metadata and
   ``X-Upload-Content-Length``/``-Type``: the session URI comes back in ``Location``.
2. ``PUT`` the bytes in chunks (multiples of 256 KiB but the last) with ``Content-Range``;
   ``308`` with ``Range: bytes=0-n`` says what is committed; the last chunk answers with the
   video resource.
3. After a dropped connection or a 5xx, ``PUT`` with ``Content-Range: bytes */N`` and no body
   asks what is committed, and the upload goes on from there.

At most one chunk is held in memory: the file is read from the store as it is sent, and
read again from the start only when the server kept less than what we hold (never in
practice). The video exists only once its last byte arrived, so a session that died
half-way left nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from core import OutcomeUnknown, PermanentError, RateLimited, TransientError
from plugins.youtube.client import YouTubeClient
from plugins.youtube.limits import CHUNK_QUANTUM

_RANGE = re.compile(r"^bytes=0-(\d+)$")
#: How many times one attempt resumes after a dropped connection before giving up.
RESUMES = 3


class _Dropped(Exception):
    """The connection broke while a chunk was on its way."""


class ByteSource:
    """Bytes of one stored rendition by offset, read forward from its stream."""

    def __init__(self, open_stream: Callable[[], AsyncIterator[bytes]]) -> None:
        self._open = open_stream
        self._it: AsyncIterator[bytes] | None = None
        self._buf = bytearray()
        self._start = 0  # offset of _buf[0]
        self.restarts = 0

    async def read_at(self, offset: int, size: int) -> bytes:
        if self._it is None or offset < self._start:
            if self._it is not None:
                self.restarts += 1
            self._it, self._buf, self._start = aiter(self._open()), bytearray(), 0
        while True:
            if offset > self._start:  # drop what is behind the offset
                gone = min(offset - self._start, len(self._buf))
                del self._buf[:gone]
                self._start += gone
            if self._start == offset and len(self._buf) >= size:
                break
            piece = await anext(self._it, None)
            if piece is None:
                break
            self._buf += piece
        with memoryview(self._buf) as view:
            return bytes(view[:size])


@dataclass(frozen=True)
class UploadSession:
    uri: str
    total: int


@dataclass(frozen=True)
class SessionState:
    committed: int
    video: dict[str, Any] | None = None
    expired: bool = False


async def start(
    yt: YouTubeClient, resource: dict[str, Any], part: str, total: int, content_type: str
) -> UploadSession:
    """Open a session; nothing exists on YouTube yet, so a lost answer is only transient."""
    response = await yt.call(
        "POST",
        "/upload/youtube/v3/videos",
        "videos.insert",
        params={"uploadType": "resumable", "part": part},
        body=resource,
        headers={"x-upload-content-length": str(total), "x-upload-content-type": content_type},
        unknown=TransientError,
        ok=(200, 201),
    )
    uri = response.headers.get("location", "")
    api, got = urlsplit(yt.api_base), urlsplit(uri)
    if (got.scheme, got.netloc) != (api.scheme, api.netloc) or "upload_id=" not in got.query:
        raise PermanentError("YouTube answered videos.insert without a session URI on its own host")
    return UploadSession(uri, total)


async def status(yt: YouTubeClient, session: UploadSession) -> SessionState:
    """Ask the session what it holds (``bytes */N``)."""
    response = await yt.call(
        "PUT",
        "",
        "videos.insert (status)",
        url=session.uri,
        content=b"",
        headers={"content-range": f"bytes */{session.total}"},
        ok=(200, 201, 308, 404, 410),
    )
    if response.status_code in (404, 410):
        return SessionState(0, expired=True)
    if response.status_code == 308:
        return SessionState(_committed(response))
    return SessionState(session.total, video=_video(response))


async def send(
    yt: YouTubeClient,
    session: UploadSession,
    source: ByteSource,
    *,
    chunk_bytes: int,
    offset: int = 0,
) -> dict[str, Any]:
    """Send from ``offset`` to the end; the created video resource."""
    if chunk_bytes <= 0 or chunk_bytes % CHUNK_QUANTUM:
        raise ValueError("chunk_bytes must be a positive multiple of 256 KiB")
    resumes = 0
    while True:
        data = await source.read_at(offset, min(chunk_bytes, session.total - offset))
        end = offset + len(data) - 1
        try:
            response = await yt.call(
                "PUT",
                "",
                "videos.insert",
                url=session.uri,
                content=_once(data),
                headers={
                    "content-range": f"bytes {offset}-{end}/{session.total}",
                    "content-length": str(len(data)),
                },
                unknown=_Dropped,
                ok=(200, 201, 308),
            )
        except (_Dropped, TransientError) as exc:
            if isinstance(exc, RateLimited) or resumes >= RESUMES:
                raise OutcomeUnknown(f"the upload broke off and could not resume ({exc})") from None
            resumes += 1
            state = await status(yt, session)
            if state.video is not None:
                return state.video
            if state.expired:
                raise TransientError("the upload session expired; a new one is needed") from None
            offset = state.committed
            continue
        if response.status_code != 308:
            return _video(response)
        offset = _committed(response)


async def _once(data: bytes) -> AsyncIterator[bytes]:
    """The chunk as a body that lets go of it once sent (a request keeps ``bytes`` content
    alive with its response, in a cycle only the garbage collector breaks)."""
    yield data


def _committed(response: Any) -> int:
    m = _RANGE.match(response.headers.get("range", ""))
    return int(m.group(1)) + 1 if m else 0


def _video(response: Any) -> dict[str, Any]:
    try:
        doc = response.json()
        str(doc["id"])
    except (ValueError, KeyError, TypeError):
        raise PermanentError("YouTube finished the upload without a video resource") from None
    if not isinstance(doc, dict):
        raise PermanentError("YouTube finished the upload without a video resource")
    return doc
