"""Videos, probed by ffprobe and given a poster frame by ffmpeg (Debian's ``ffmpeg``).

ffmpeg reads anything, and some of what it reads points elsewhere: an HLS playlist or a concat
list fetches URLs and local files, an MP4 ``dref`` names external files. So the demuxer is
fixed to the container the bytes announce (:mod:`core.media.inspect.sniff`), only the ``file``
protocol is allowed, external references stay off, and the path goes in as a ``file:`` URL.
Each run has a time limit. The video itself is stored as sent: it is not re-encoded (players
do not run it; renditions per channel are a later step).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.media.inspect.refusal import MediaRefused
from core.media.inspect.sniff import identify
from core.media.inspect.tools import file_url, run_tool
from core.media.inspect.workfiles import outputs
from core.settings import Settings

PROBE_TIMEOUT = 30.0
POSTER_TIMEOUT = 60.0
POSTER_MAX_WIDTH = 1920

#: ffmpeg's demuxer for each container :func:`identify` reports as video.
_DEMUXERS = {"mp4": "mov", "mov": "mov", "webm": "matroska", "matroska": "matroska"}
_ENTRIES = (
    "format=duration,format_name"
    ":stream=codec_type,codec_name,width,height,duration"
    ":stream_disposition=attached_pic:stream_tags=rotate:stream_side_data=rotation"
)


@dataclass(frozen=True)
class VideoInfo:
    """As a viewer sees it: ``width`` × ``height`` after rotation; ``duration`` in seconds."""

    duration: float
    width: int
    height: int
    codec: str
    audio_codec: str | None
    container: str


def probe_video(
    src: Path,
    *,
    max_seconds: int = Settings.media_max_video_seconds,
    max_pixels: int = Settings.media_max_pixels,
    timeout: float = PROBE_TIMEOUT,
) -> VideoInfo:
    """What ``src`` holds; :class:`MediaRefused` ``not_a_video`` (no picture in it), ``too_long``,
    ``too_many_pixels``, or ``corrupt`` (unreadable, no duration, or not read in time)."""
    container = _container(src)
    done = run_tool(
        [
            "ffprobe",
            "-v",
            "error",
            "-hide_banner",
            *_input_options(container),
            "-print_format",
            "json",
            "-show_entries",
            _ENTRIES,
            file_url(src),
        ],
        timeout=timeout,
    )
    if done.returncode != 0:
        raise MediaRefused("corrupt")
    try:
        report = json.loads(done.stdout)
    except ValueError:
        raise MediaRefused("corrupt") from None
    return _info(report, container, max_seconds, max_pixels)


def video_poster(src: Path, workdir: Path, *, timeout: float = POSTER_TIMEOUT) -> Path:
    """A JPEG frame from 10% into the video (its first frame if that yields none), at most
    1920 px wide, upright, without metadata: ``poster.jpg`` in ``workdir``."""
    info = probe_video(src, max_seconds=2**31, max_pixels=2**62, timeout=timeout)
    container = _container(src)
    with outputs(workdir) as made:
        poster = made.new("poster.jpg")
        for at in (info.duration * 0.1, 0.0):
            poster.unlink(missing_ok=True)
            done = run_tool(
                [
                    "ffmpeg",
                    "-nostdin",
                    "-v",
                    "error",
                    "-hide_banner",
                    *_input_options(container),
                    "-ss",
                    f"{at:.3f}",
                    "-i",
                    file_url(src),
                    "-map",
                    "0:v:0",
                    "-frames:v",
                    "1",
                    "-an",
                    "-sn",
                    "-dn",
                    "-map_metadata",
                    "-1",
                    "-fflags",
                    "+bitexact",
                    "-flags:v",
                    "+bitexact",
                    "-vf",
                    f"scale='min({POSTER_MAX_WIDTH},iw)':-2,format=yuvj420p",
                    "-c:v",
                    "mjpeg",
                    "-q:v",
                    "3",
                    "-f",
                    "image2",
                    "-y",
                    file_url(poster),
                ],
                timeout=timeout,
            )
            if done.returncode == 0 and poster.exists() and poster.stat().st_size > 0:
                return poster
        raise MediaRefused("corrupt", "no frame could be read")


def _container(src: Path) -> str:
    try:
        found = identify(src)
    except MediaRefused as refused:
        if refused.code == "scriptable":
            raise
        raise MediaRefused("not_a_video") from None
    if found.kind != "video":
        raise MediaRefused("not_a_video")
    return found.format


def _input_options(container: str) -> list[str]:
    """Read with the announced container's demuxer alone, from local files alone."""
    return ["-protocol_whitelist", "file", "-f", _DEMUXERS[container]]


def _info(report: Any, container: str, max_seconds: int, max_pixels: int) -> VideoInfo:
    if not isinstance(report, dict):
        raise MediaRefused("corrupt")
    streams = [s for s in report.get("streams") or [] if isinstance(s, dict)]
    pictures = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    if not pictures:
        raise MediaRefused("not_a_video")
    video = pictures[0]
    width, height = _int(video.get("width")), _int(video.get("height"))
    if width <= 0 or height <= 0:
        raise MediaRefused("corrupt")
    if width * height > max_pixels:
        raise MediaRefused("too_many_pixels", f"{width}×{height} > {max_pixels:,}")
    if abs(_rotation(video)) % 180 == 90:
        width, height = height, width
    duration = _float((report.get("format") or {}).get("duration"))
    if not duration:
        duration = max((_float(s.get("duration")) for s in streams), default=0.0)
    if duration <= 0:
        raise MediaRefused("corrupt", "no duration")
    if duration > max_seconds:
        raise MediaRefused("too_long", f"{duration:.0f} s > {max_seconds} s")
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    return VideoInfo(
        duration=duration,
        width=width,
        height=height,
        codec=str(video.get("codec_name") or "unknown"),
        audio_codec=str(audio.get("codec_name") or "unknown") if audio else None,
        container=container,
    )


def _rotation(stream: dict[str, Any]) -> int:
    for side in stream.get("side_data_list") or []:
        if isinstance(side, dict) and "rotation" in side:
            return _int(side["rotation"])
    return _int((stream.get("tags") or {}).get("rotate"))


def _int(value: object) -> int:
    try:
        return int(float(str(value)))
    except (ValueError, OverflowError):
        return 0


def _float(value: object) -> float:
    try:
        number = float(str(value))
    except ValueError:
        return 0.0
    return number if math.isfinite(number) else 0.0
