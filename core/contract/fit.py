"""Whether an item's media fit a channel, with a reason the editor understands when not.

One pure judgement, used three times: in the channel plan and before approval (so an editor
fixes the item before anyone signs it) and again when the delivery renders (media can have
changed since; :class:`MediaUnfit` then fails the delivery as refused content, it is never
retried). What a channel does not carry at all (``max_count=0``) is *dropped*, not refused:
the fidelity report lists it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from core.contract.channels import Capabilities, ContentRefused
from core.contract.media import ROLES, ItemMedia, MediaProblem, MediaRule

#: How each role is named to an editor: Vietnamese first, English after.
ROLE_NAMES = {
    "cover": ("ảnh bìa", "cover image"),
    "gallery": ("ảnh trong bài", "gallery image"),
    "video": ("video", "video"),
    "attachment": ("tệp đính kèm", "attachment"),
}


class MediaUnfit(ContentRefused):
    """An item's media cannot be sent to this channel; ``problems`` says why, one by one."""

    kind = "media"

    def __init__(self, problems: Sequence[MediaProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = tuple(problems)


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


def _one(media: ItemMedia, rule: MediaRule) -> MediaProblem | None:
    vi, en = ROLE_NAMES[media.role]
    label = media.filename or media.title or media.uid

    def problem(code: str, vi_why: str, en_why: str) -> MediaProblem:
        return MediaProblem(
            media.role, code, f"{vi} «{label}»: {vi_why} ({en}: {en_why})", media.uid
        )

    if rule.max_duration is not None and (media.duration or 0) > rule.max_duration:
        limit = f"{rule.max_duration:g}"
        return problem("too_long", f"dài quá {limit} giây", f"longer than {limit} s")
    if rule.aspect is not None and media.aspect is not None:
        low, high = rule.aspect
        if not low <= media.aspect <= high:
            shape = f"{low:.2f}–{high:.2f}"
            return problem(
                "aspect", f"tỉ lệ khung hình ngoài {shape}", f"aspect ratio outside {shape}"
            )
    if media.choose(rule) is not None:
        return None
    typed = [r for r in media.files if rule.types is None or r.content_type in rule.types]
    if not typed:
        kinds = ", ".join(sorted(rule.types or ()))
        return problem("type", f"kênh chỉ nhận {kinds}", f"the channel takes only {kinds}")
    if rule.max_bytes is not None and min(r.size for r in typed) > rule.max_bytes:
        limit = _mb(rule.max_bytes)
        return problem("too_large", f"lớn hơn {limit}", f"larger than {limit}")
    width = rule.min_width or 0
    return problem("too_small", f"hẹp hơn {width} điểm ảnh", f"narrower than {width} px")


def media_fit(
    media: Iterable[ItemMedia], caps: Capabilities
) -> tuple[list[MediaProblem], list[MediaProblem]]:
    """``(refusals, dropped)`` of these media under ``caps``: both empty when all fit."""
    by_role: dict[str, list[ItemMedia]] = {role: [] for role in ROLES}
    for m in media:
        by_role.setdefault(m.role, []).append(m)
    refusals: list[MediaProblem] = []
    dropped: list[MediaProblem] = []
    for role in ROLES:
        rule, found = caps.media.rule(role), by_role[role]
        vi, en = ROLE_NAMES[role]
        if found and rule.max_count == 0:
            dropped.append(
                MediaProblem(
                    role,
                    "dropped",
                    f"kênh không đăng {vi}: {len(found)} bị bỏ qua"
                    f" (the channel carries no {en}: {len(found)} left out)",
                )
            )
            continue
        wanted = 1 if role == "cover" and caps.requires_cover else rule.min_count
        if len(found) < wanted:
            refusals.append(
                MediaProblem(
                    role,
                    "missing",
                    f"kênh yêu cầu ít nhất {wanted} {vi} (the channel requires {wanted} {en})",
                )
            )
        if rule.max_count is not None and len(found) > rule.max_count:
            refusals.append(
                MediaProblem(
                    role,
                    "too_many",
                    f"kênh nhận tối đa {rule.max_count} {vi}, bài có {len(found)}"
                    f" (at most {rule.max_count} {en}, the item has {len(found)})",
                )
            )
        refusals.extend(p for m in found if (p := _one(m, rule)) is not None)
    return refusals, dropped


def require_fit(media: Iterable[ItemMedia], caps: Capabilities) -> None:
    """Raise :class:`MediaUnfit` when any medium is refused (dropped ones are fine)."""
    refusals, _ = media_fit(media, caps)
    if refusals:
        raise MediaUnfit(refusals)
