"""Canonical URLs: where an item's page lives for readers, one rule for API, feeds and sitemap.

A unit's portal renders Loa's content on its own site, so the page readers should land on
(and search engines should index) is the portal's, built from the URL template the unit
(or its nearest ancestor) sets: ``https://xa-abc.gov.vn/tin-tuc/{slug}``. Without one,
Loa's own ``/articles/<slug>`` page is canonical (:mod:`core.content.page`).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from core.errors import ValidationFailed

PLACEHOLDER = "{slug}"
MAX_TEMPLATE = 500


def canonical_url(base_url: str, slug: str, template: str) -> str:
    """The item's page: ``template`` with its slug, or Loa's own page when there is none."""
    if template:
        return template.replace(PLACEHOLDER, quote(slug, safe=""))
    return f"{base_url.rstrip('/')}/articles/{quote(slug, safe='')}"


def check_template(template: str) -> str:
    """A template as stored: "" (none) or an https/http URL with exactly one ``{slug}``."""
    template = template.strip()
    if not template:
        return ""
    if len(template) > MAX_TEMPLATE:
        raise ValidationFailed({"urlTemplate": f"at most {MAX_TEMPLATE} characters"})
    if template.count(PLACEHOLDER) != 1:
        raise ValidationFailed({"urlTemplate": "must contain {slug} exactly once"})
    parts = urlsplit(template.replace(PLACEHOLDER, "x"))
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationFailed({"urlTemplate": "must be an absolute http(s) URL"})
    if "{" in template.replace(PLACEHOLDER, "") or "}" in template.replace(PLACEHOLDER, ""):
        raise ValidationFailed({"urlTemplate": "only {slug} may be filled in"})
    if any(c.isspace() for c in template):
        raise ValidationFailed({"urlTemplate": "must not contain spaces"})
    return template
