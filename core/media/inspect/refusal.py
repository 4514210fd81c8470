"""The one error a checked file can end in: typed, and safe to show to the editor who sent it.

Every refusal has a stable ``code`` (what an interface maps to a result type or an error code)
and a Vietnamese / English ``message`` an editor can act on. The message never repeats the
file's bytes or a tool's output: those are the attacker's words, not ours.
"""

from __future__ import annotations

#: Every code a check may give, with what the editor is told.
MESSAGES: dict[str, str] = {
    "unknown_type": (
        "Không nhận ra loại tệp (chỉ nhận ảnh, video, PDF) / "
        "unknown file type (images, videos and PDF documents only)"
    ),
    "scriptable": (
        "Tệp chứa mã có thể chạy (SVG, HTML, script) nên bị từ chối / "
        "the file holds markup or script (SVG, HTML) and is refused"
    ),
    "not_an_image": "Tệp không phải là ảnh / the file is not an image",
    "not_a_video": "Tệp không phải là video / the file is not a video",
    "not_a_document": "Tệp không phải là tài liệu PDF / the file is not a PDF document",
    "too_many_pixels": ("Ảnh quá lớn (quá nhiều điểm ảnh) / the picture has too many pixels"),
    "too_long": "Video quá dài / the video is too long",
    "encrypted": (
        "Tài liệu PDF có mật khẩu hoặc bị mã hoá / the PDF is encrypted or password-protected"
    ),
    "corrupt": "Tệp bị hỏng hoặc không đọc được / the file is damaged or unreadable",
}


class MediaRefused(ValueError):
    """A file refused by its content; ``code`` is one of :data:`MESSAGES`."""

    code: str
    message: str

    def __init__(self, code: str, detail: str = "") -> None:
        """``detail`` (ours, never the file's) is appended to the message, e.g. a limit."""
        if code not in MESSAGES:
            raise ValueError(f"unknown media refusal code {code!r}")
        self.code = code
        self.message = f"{MESSAGES[code]} ({detail})" if detail else MESSAGES[code]
        super().__init__(self.message)


class MediaToolMissing(RuntimeError):
    """A program the checks run (ffprobe, ffmpeg, pdftoppm) is not installed: the operator's
    problem, never the editor's, so it is not a :class:`MediaRefused`."""
