"""The YouTube sandbox's page: the videos, comments and quota it holds, for a demo audience.

Every value came from a request, i.e. from outside: each goes through :func:`html.escape`.
No inline style or script, so Loa's CSP holds for it.
"""

from __future__ import annotations

from html import escape

from plugins.youtube.sandbox_state import SandboxState


def _table(head: list[str], rows: list[list[str]]) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def render_page(state: SandboxState) -> str:
    videos = [
        [
            v.id,
            v.channel_id,
            str(v.snippet.get("title", "")),
            str(v.status.get("privacyStatus", "")),
            str(v.status.get("publishAt", "")),
            str(v.status.get("uploadStatus", "")),
            f"{v.size:,}",
        ]
        for v in state.videos.values()
    ]
    comments = [
        [c.id, c.video_id, c.author_name, c.text, c.moderation_status, c.parent_id]
        for c in state.comments.values()
    ]
    spent = ", ".join(f"{k}: {v}" for k, v in sorted(state.spent_today().items())) or "0"
    return (
        "<!doctype html><html lang=vi><head><meta charset=utf-8>"
        "<title>YouTube sandbox</title></head><body>"
        "<h1>YouTube (sandbox) <small>Data API v3 emulator</small></h1>"
        f"<p>Giờ của sandbox (clock): {escape(state.iso())} · Hạn mức đã dùng hôm nay "
        f"(quota spent, {escape(state.quota_model)}): {escape(spent)}</p>"
        "<h2>Video</h2>"
        + _table(
            [
                "ID",
                "Kênh (channel)",
                "Tiêu đề (title)",
                "Quyền riêng tư (privacy)",
                "Hẹn giờ (publishAt)",
                "Tải lên (upload)",
                "Bytes",
            ],
            videos,
        )
        + "<h2>Bình luận (comments)</h2>"
        + _table(
            [
                "ID",
                "Video",
                "Tác giả (author)",
                "Nội dung (text)",
                "Trạng thái (status)",
                "Trả lời (reply to)",
            ],
            comments,
        )
        + "</body></html>"
    )
