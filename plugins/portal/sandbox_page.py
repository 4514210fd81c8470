"""The sandbox's HTML page: what each emulated portal received, for people at a demo.

Everything shown came from a webhook body, i.e. from outside: every value goes
through :func:`html.escape`, because a hostile title must not run as script
on the page an official opens during training. Its style is a served file
(``page.css``, versioned by digest), not an inline ``<style>``, so Loa's CSP
(``style-src 'self'``) holds for it too.
"""

from __future__ import annotations

import hashlib
from html import escape

from plugins.portal.sandbox_state import SandboxState, Site

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2}.ok{color:#176b2c}.bad{color:#b00020}small{color:#555}
"""
#: The stylesheet's URL relative to the page (the sandbox's root), with its digest as version.
STYLE_URL = "page.css?v=" + hashlib.sha256(STYLE.encode()).hexdigest()[:12]


def _label(vi: str, en: str) -> str:
    return f"{escape(vi)} <small>({escape(en)})</small>"


def _articles(site: Site) -> str:
    if not site.articles:
        return f"<p>{_label('Chưa có bài viết', 'No articles yet')}</p>"
    rows = "".join(
        "<tr>"
        f"<td>{escape(site.name)}-{a.number}</td>"
        f"<td>{escape(str(a.data.get('title', '')))}</td>"
        f"<td>{escape(str(a.data.get('category', '')))}</td>"
        f"<td>{escape(a.status)}</td>"
        f"<td>{escape(a.updated_at)}</td>"
        "</tr>"
        for a in site.articles.values()
    )
    head = "".join(
        f"<th>{_label(vi, en)}</th>"
        for vi, en in [
            ("Mã", "ID"),
            ("Tiêu đề", "Title"),
            ("Chuyên mục", "Category"),
            ("Trạng thái", "Status"),
            ("Cập nhật", "Updated"),
        ]
    )
    return f"<table><tr>{head}</tr>{rows}</table>"


def _events(site: Site) -> str:
    if not site.events:
        return ""
    rows = "".join(
        "<tr>"
        f"<td>{escape(e.received_at)}</td>"
        f"<td><code>{escape(e.webhook_id)}</code></td>"
        f"<td>{escape(e.type)}</td>"
        f"<td>{escape(e.title)}</td>"
        + (
            '<td class="ok">hợp lệ (valid)</td>'
            if e.signature_valid
            else '<td class="bad">sai (invalid)</td>'
        )
        + f"<td>{e.status}</td></tr>"
        for e in reversed(site.events)
    )
    head = "".join(
        f"<th>{_label(vi, en)}</th>"
        for vi, en in [
            ("Thời điểm", "Received"),
            ("Mã thông điệp", "webhook-id"),
            ("Sự kiện", "Event"),
            ("Tiêu đề", "Title"),
            ("Chữ ký", "Signature"),
            ("Mã HTTP", "HTTP status"),
        ]
    )
    heading = _label("Sự kiện đã nhận", "Events received")
    return f"<h3>{heading}</h3><table><tr>{head}</tr>{rows}</table>"


def render_page(state: SandboxState) -> str:
    sections = "".join(
        f"<section><h2>{_label('Trang', 'Site')} {escape(name)}</h2>"
        f"<h3>{_label('Bài viết', 'Articles')}</h3>{_articles(site)}{_events(site)}</section>"
        for name, site in sorted(state.sites.items())
    )
    if not sections:
        sections = f"<p>{_label('Chưa nhận được webhook nào', 'No webhook received yet')}</p>"
    title = _label("Cổng thông tin (mô phỏng)", "Portal sandbox")
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        "<title>Cổng thông tin (mô phỏng) — Portal sandbox</title>"
        f'<link rel="stylesheet" href="{STYLE_URL}">'
        f"</head><body><h1>{title}</h1>{sections}</body></html>"
    )
