"""``python -m bench media``: upload-to-ready time and the web process's memory for media.

A fresh ``loa serve`` subprocess per file (SQLite, local media store) receives, through the real
``POST /api/media`` endpoint with an API token, a 12-megapixel photo with EXIF (Pillow) and a
~50 MB video (ffmpeg's test pattern with noise, so it does not compress away), each beside a
smaller one of its kind. The request returns when the file is checked, cleaned, sized and
stored, so its duration is upload-to-ready. Memory is the web process's own: its peak RSS
(``VmHWM``, reset through ``/proc/<pid>/clear_refs`` before each upload) against its RSS at
rest after a warm-up upload (a fresh process each, so one file's freed-but-kept heap does not
hide the next one's). ffprobe/ffmpeg run as children and are not counted.
Writes ``bench/out/media.json`` and only its own section of ``bench/RESULTS.md``.
"""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from bench.harness import (
    OUT,
    RESULTS_MD,
    free_port,
    loa_env,
    loa_process,
    log,
    machine,
    save,
    settings_for,
    sqlite_url,
    wait_http,
)
from bench.report import put_section

HEADING = "## Media uploads (`bench/media.py`)"
UNIT = "14932"


def photo(path: Path, size: tuple[int, int]) -> Path:
    """A noisy photo-like JPEG with camera EXIF and GPS (what phones send)."""
    from PIL import Image

    noise = [Image.effect_noise(size, 40 + 10 * i) for i in range(3)]
    image = Image.merge("RGB", noise)
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.blend(image, gradient, 0.5)
    exif = Image.Exif()
    exif[0x010F] = "Bench camera"
    exif[0x0112] = 6  # rotated: the check applies it
    exif[0x8825] = {1: "N", 2: (19.0, 48.0, 0.0), 3: "E", 4: (105.0, 46.0, 0.0)}
    image.save(path, "JPEG", quality=90, exif=exif)
    return path


def video(path: Path, seconds: int) -> Path:
    """An H.264 MP4 of the test pattern with noise at about 20 Mbit/s."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise SystemExit("ffmpeg is required (apt-get install ffmpeg)")
    subprocess.run(
        [
            ffmpeg, "-v", "error", "-y", "-f", "lavfi",
            "-i", f"testsrc=duration={seconds}:size=1280x720:rate=25",
            "-vf", "noise=alls=40:allf=t", "-pix_fmt", "yuv420p", "-c:v", "libx264",
            "-preset", "ultrafast", "-b:v", "20M", "-maxrate", "20M", "-bufsize", "40M",
            str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def _token(database_url: str) -> str:
    """A fresh database with the unit tree and an editor of ``UNIT`` holding a write token."""
    from core.auth.models import ApiToken, Role, RoleMembership, User
    from core.auth.tokens import DIGEST_PURPOSE
    from core.context import build_context
    from core.db import utcnow
    from core.migrate import upgrade
    from core.units.lookups import unit_by_code
    from core.units.sync import sync

    settings = settings_for(database_url)
    upgrade(settings)
    ctx = build_context(settings)
    prefix = secrets.token_hex(6)
    token = f"loa_{prefix}_" + secrets.token_urlsafe(32)[:43].ljust(43, "x")
    with ctx.transaction() as session:
        sync(session)
        unit = unit_by_code(session, UNIT)
        user = User(
            username="bench-media",
            display_name="bench",
            totp_sealed=ctx.sealer.seal({"secret": "JBSWY3DPEHPK3PXP"}),
            totp_enabled_at=utcnow(),
            last_login_at=utcnow(),
        )
        session.add(user)
        session.flush()
        session.add(RoleMembership(user_id=user.id, unit_id=unit.id, role=Role.EDITOR))
        session.add(
            ApiToken(
                user_id=user.id,
                name="bench",
                prefix=prefix,
                digest=ctx.sealer.digest(DIGEST_PURPOSE, token),
                scopes=["read", "write"],
                expires_at=utcnow() + dt.timedelta(days=1),
            )
        )
    ctx.engine.dispose()
    return token


def _status(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} for {pid}")


def _upload(base: str, token: str, path: Path, pid: int, **texts: str) -> dict[str, Any]:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # peak RSS starts again from now
    rest = _status(pid, "VmRSS")
    started = time.monotonic()
    with path.open("rb") as fh:
        r = httpx.post(
            f"{base}/api/media",
            params={"unit": UNIT, "filename": path.name, **texts},
            content=fh,
            headers={"Authorization": f"Bearer {token}"},
            timeout=600,
        )
    seconds = time.monotonic() - started
    if r.status_code >= 300:
        raise RuntimeError(f"upload of {path.name}: HTTP {r.status_code} {r.text[:300]}")
    return {
        "file": path.name,
        "bytes": path.stat().st_size,
        "seconds": round(seconds, 2),
        "rss_at_rest": rest,
        "peak_rss": _status(pid, "VmHWM"),
    }


def run() -> dict[str, Any]:
    work = OUT / "media-files"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    log("making the files")
    files = [
        (photo(work / "photo-3mp.jpg", (2000, 1500)), {"alt": "Ảnh", "caption": "Ảnh"}),
        (photo(work / "photo-12mp.jpg", (4000, 3000)), {"alt": "Ảnh", "caption": "Ảnh"}),
        (video(work / "video-small.mp4", 4), {}),
        (video(work / "video-50mb.mp4", 20), {}),
    ]
    rows = [_measure(path, texts, work) for path, texts in files]
    return {"machine": machine(), "uploads": rows}


def _measure(path: Path, texts: dict[str, str], work: Path) -> dict[str, Any]:
    """One file in a fresh ``loa serve``: its RSS at rest after a warm-up, then the upload."""
    url = sqlite_url("media", fresh=True)
    shutil.rmtree(OUT / "media", ignore_errors=True)
    token = _token(url)
    port = free_port()
    env = loa_env(url, LOA_BASE_URL=f"http://127.0.0.1:{port}")
    proc = loa_process("media-serve", ["serve", "--port", str(port)], env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(proc, f"{base}/healthz")
        warm = photo(work / "warm.jpg", (640, 480))
        _upload(base, token, warm, proc.pid, alt="Ảnh", caption="Ảnh")
        log(f"uploading {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
        return _upload(base, token, path, proc.pid, **texts)
    finally:
        proc.stop()


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def section(result: dict[str, Any]) -> str:
    lines = [
        HEADING,
        "",
        f"`{result.get('command', 'python -m bench media')}` — each file in a fresh `loa serve` "
        "process (SQLite, local store), sent as the body of `POST /api/media` with an API "
        "token; the request returns when the file is checked, cleaned, sized and stored "
        "(upload-to-ready). RSS is the web process's own (ffprobe/ffmpeg run as children and "
        "are not counted): at rest after a warm-up upload of a small photo, and its peak "
        "(`VmHWM`, reset just before the upload) while the file is received and processed.",
        "",
        "| file | size | upload-to-ready | RSS at rest | peak RSS while processing |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in result["uploads"]:
        lines.append(
            f"| {row['file']} | {row['bytes'] / 1e6:.1f} MB | {row['seconds']:.2f} s "
            f"| {_mb(row['rss_at_rest'])} | {_mb(row['peak_rss'])} |"
        )
    lines += [
        "",
        "The body is streamed to a temporary file and every step works on paths, so the "
        "videos' peak does not follow their size; a photo's peak follows its pixels "
        "(Pillow decodes it whole, bounded by `LOA_MEDIA_MAX_PIXELS`), not its bytes.",
        "",
    ]
    return "\n".join(lines)


def write_section(result: dict[str, Any]) -> None:
    """Put this run's section into ``bench/RESULTS.md``, leaving the other sections as they are."""
    put_section(HEADING, section(result))
    log(f"wrote the media section of {RESULTS_MD}")


def main() -> None:
    result = run()
    result["command"] = "python -m bench media"
    save("media", result)
    write_section(result)


if __name__ == "__main__":
    main()
