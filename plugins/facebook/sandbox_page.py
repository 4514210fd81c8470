"""The sandbox's HTML page: each Page's posts and comments, for people at a demo.

Every value came from outside and goes through :func:`html.escape`; the style is a served
file (``page.css``), so Loa's CSP (``style-src 'self'``) holds.
"""

from __future__ import annotations

import hashlib
from html import escape

from plugins.facebook.sandbox_regions import REGIONS
from plugins.facebook.sandbox_state import GraphState

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#1a1a1a}
article{border:1px solid #ccd;border-radius:.5rem;padding:.6rem 1rem;margin:.6rem 0}
.meta{color:#555;font-size:.85rem}.hidden{color:#b00020}pre{white-space:pre-wrap;margin:.3rem 0}
"""
STYLE_URL = "page.css?v=" + hashlib.sha256(STYLE.encode()).hexdigest()[:12]


def render_page(state: GraphState) -> str:
    now = state.now()
    sections = []
    for page in state.pages.values():
        posts = sorted(
            (p for p in state.posts.values() if p.page_id == page.id),
            key=lambda p: p.created_time,
            reverse=True,
        )
        items = []
        for post in posts:
            status = "đã đăng (published)" if post.is_published(now) else "hẹn giờ (scheduled)"
            comments = "".join(
                f'<li class="{"hidden" if c.is_hidden else ""}">{escape(c.from_name)}: '
                f"{escape(c.message)}{' — ẩn (hidden)' if c.is_hidden else ''}</li>"
                for c in state.comments.values()
                if c.post_id == post.id
            )
            items.append(
                f'<article><div class="meta">{escape(post.id)} · {escape(post.kind)} · {status}'
                f" · {len(post.attached_media)} ảnh (photos)</div>"
                f"<pre>{escape(post.message)}</pre><ul>{comments}</ul></article>"
            )
        body = "".join(items) or "<p>Chưa có bài đăng <small>(no posts yet)</small></p>"
        sections.append(
            f"<section><h2>{escape(page.name)} ({escape(page.id)})</h2>{body}</section>"
        )
    regions = "".join(f"<li>{escape(name)}: {escape(key)}</li>" for key, name in REGIONS.items())
    sections.append(
        "<section><h2>Vùng của tìm kiếm adgeolocation <small>(the targeting search's regions:"
        f" FAKE keys, for this sandbox only)</small></h2><details><summary>{len(REGIONS)}"
        f" tỉnh cũ (old provinces)</summary><ul>{regions}</ul></details></section>"
    )
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        "<title>Facebook Page (mô phỏng) — Graph API sandbox</title>"
        f'<link rel="stylesheet" href="{STYLE_URL}"></head><body>'
        "<h1>Facebook Page (mô phỏng) <small>(Graph API sandbox)</small></h1>"
        f"{''.join(sections)}</body></html>"
    )
