"""Media for tests: real files made here (never committed binaries), accounts, and stand-ins.

``png``, ``pdf`` and ``mp4`` write real files; ``token_for`` and ``session_for`` make callers
of the management API.
"""

from __future__ import annotations

import datetime as dt
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

from core.auth.permissions import Actor, Grant
from core.context import Context


# --- real files --------------------------------------------------------------------------------
def png(path: Path, width: int = 64, height: int = 48, seed: int = 0) -> Path:
    """A real RGB PNG; its colours (and so its bytes) derive from ``seed``."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    row = bytes((seed * 37 + x * 5) % 256 for x in range(width * 3))
    raw = b"".join(b"\x00" + row for _ in range(height))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return path


def pdf(path: Path, text: str = "Quyet dinh so 12") -> Path:
    """A real one-page PDF with ``text`` on it (a valid xref table, readable by pypdf)."""
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def mp4(path: Path, seconds: float = 1.0) -> Path:
    """A real short H.264 MP4 (ffmpeg's test pattern); without ffmpeg, skipped (failed in CI)."""
    from tests.support.media_files import need

    need("ffmpeg")
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y", "-f", "lavfi",
            "-i", f"testsrc=duration={seconds}:size=160x120:rate=10",
            "-pix_fmt", "yuv420p", "-c:v", "libx264", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


# --- accounts ----------------------------------------------------------------------------------
def editor(tree: dict[str, Any], unit: str = "14932", name: str = "") -> Actor:
    from core.auth.models import Role

    return Actor(name=name or f"editor-{unit}", grants=(Grant(Role.EDITOR, tree[unit].path),))


def token_for(ctx: Context, username: str, unit_id: int, role: str = "editor") -> str:
    """An enrolled account with ``role`` on the unit and a write-scoped API token for it."""
    import secrets

    from core.auth.models import ApiToken, Role, RoleMembership, User
    from core.auth.tokens import DIGEST_PURPOSE
    from core.db import utcnow

    prefix = secrets.token_hex(6)
    token = f"loa_{prefix}_" + secrets.token_urlsafe(32)[:43].ljust(43, "x")
    with ctx.transaction() as session:
        user = User(
            username=username,
            display_name=username,
            totp_sealed=ctx.sealer.seal({"secret": "JBSWY3DPEHPK3PXP"}),
            totp_enabled_at=utcnow(),
            last_login_at=utcnow(),
        )
        session.add(user)
        session.flush()
        session.add(RoleMembership(user_id=user.id, unit_id=unit_id, role=Role(role)))
        session.add(
            ApiToken(
                user_id=user.id,
                name="media tests",
                prefix=prefix,
                digest=ctx.sealer.digest(DIGEST_PURPOSE, token),
                scopes=["read", "write"],
                expires_at=utcnow() + dt.timedelta(days=1),
            )
        )
    return token


def session_for(ctx: Context, username: str) -> tuple[str, str]:
    """A signed-in (both factors) session of ``username``: (cookie value, CSRF token)."""
    from sqlalchemy import select

    from core.auth.actions import sessions
    from core.auth.models import User
    from core.auth.sessions import FULL

    with ctx.sessions() as db:
        user_id = db.scalar(select(User.id).where(User.username == username))
    store = sessions(ctx)
    session = store.new()
    session.stage, session.user_id = FULL, user_id
    store.save(session)
    return session.id, session.csrf
