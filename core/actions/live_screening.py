"""Moderation as the editor types: what the save would find in a draft's title, summary and body.

Nothing is stored and nothing changes: the draft's texts are judged exactly as
``core.screening.articles.screen`` judges them at save (the body sanitised like the API's, then
read as plain text; the lexicon of the item's unit, outbound), and each match comes back with
its field, a little context and what it would do (block the submission, or hold it for a
moderator). Only someone who may write content in the unit may ask; a text longer than
:data:`MAX_LIVE_TEXT` is refused (the full check still runs at save), and each account may ask
at most :data:`LIMIT` times a minute (a typist with a 600 ms pause asks far less).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core import ratelimit
from core.auth.permissions import Actor, Permission, require
from core.content.validation import sanitise_html
from core.context import Context
from core.errors import ValidationFailed
from core.moderation import Decision, Direction, Span, decide, moderate
from core.screening.articles import body_text
from core.screening.lexicons import unit_lexicon
from core.text import nfc
from core.units.lookups import unit_by_code

#: The fields an editor types, as the save's screening names them.
FIELDS = ("title", "summary", "body")
#: Longest text (characters, after reading the body as text) judged as you type.
MAX_LIVE_TEXT = 50_000
#: Characters of context shown on each side of a match.
CONTEXT = 40
#: Checks one account may ask for per window.
LIMIT, WINDOW_SECONDS = 120, 60


@dataclass(frozen=True)
class Finding:
    """One match: where (field, offsets in the field's text), what, and what it would do."""

    field: str
    start: int
    end: int
    written: str
    before: str  # up to CONTEXT characters before the match
    after: str
    cut_before: bool  # the field's text goes on before ``before`` (and after ``after``)
    cut_after: bool
    term: str
    category: str
    severity: int
    outcome: Decision  # BLOCK: the submission is refused; REVIEW: a moderator must clear it


@dataclass(frozen=True)
class LiveVerdict:
    decision: Decision
    findings: tuple[Finding, ...]

    @property
    def blocks(self) -> bool:
        return self.decision is Decision.BLOCK


def draft_texts(title: str, summary: str, body_html: str) -> dict[str, str]:
    """The texts the save judges, from what the form holds (the body sanitised first)."""
    return {
        "title": nfc(title).strip(),
        "summary": nfc(summary).strip(),
        "body": body_text(sanitise_html(body_html)),
    }


def _refuse_longer(texts: Mapping[str, str], limit: int) -> None:
    too_long = {
        k: f"too long to check as you type (at most {MAX_LIVE_TEXT} characters); "
        "it is checked when saved"
        for k, v in texts.items()
        if len(v) > limit
    }
    if too_long:
        raise ValidationFailed(too_long)


def _finding(field: str, text: str, span: Span) -> Finding:
    return Finding(
        field=field,
        start=span.start,
        end=span.end,
        written=text[span.start : span.end],
        before=text[max(0, span.start - CONTEXT) : span.start],
        after=text[span.end : span.end + CONTEXT],
        cut_before=span.start > CONTEXT,
        cut_after=span.end + CONTEXT < len(text),
        term=span.term,
        category=str(span.category),
        severity=span.severity,
        outcome=decide([span], Direction.OUTBOUND),
    )


def check_draft(
    ctx: Context, actor: Actor, unit_code: str, fields: Mapping[str, str]
) -> LiveVerdict:
    """Judge a draft's ``title``, ``summary`` and ``body_html`` for ``unit_code``'s lexicon."""
    raw = {k: str(fields.get(k) or "") for k in ("title", "summary", "body_html")}
    _refuse_longer(raw, 4 * MAX_LIVE_TEXT)  # the markup too; its text is measured below
    with ctx.sessions() as session:
        try:
            unit = unit_by_code(session, unit_code)
        except LookupError as exc:
            raise ValidationFailed({"unit_code": str(exc)}) from None
        require(actor, Permission.WRITE_CONTENT, unit.path)
        ratelimit.hit(
            ctx,
            "live_moderation",
            actor.name,
            limit=LIMIT,
            window=WINDOW_SECONDS,
            message="Kiểm tra quá nhiều lần; hãy chờ một chút (too many checks, wait a moment).",
        )
        texts = draft_texts(raw["title"], raw["summary"], raw["body_html"])
        _refuse_longer(texts, MAX_LIVE_TEXT)
        lexicon = unit_lexicon(session, unit.id)
    findings: list[Finding] = []
    spans: list[Span] = []
    for field in FIELDS:
        verdict = moderate(texts[field], lexicon, Direction.OUTBOUND)
        spans.extend(verdict.spans)
        findings.extend(_finding(field, texts[field], s) for s in verdict.spans)
    return LiveVerdict(decide(spans, Direction.OUTBOUND), tuple(findings))
