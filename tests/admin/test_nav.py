"""The desk's navigation per person: each role sees exactly the groups and links it may use,
the current page is marked for screen readers, and every page a link leads to renders."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from admin.nav import nav_for
from core.auth.models import Role
from core.auth.permissions import Actor, Grant
from tests.core.auth.conftest import Clock, MakeAccount, sign_in

EDITING = {"/admin/", "/admin/compose", "/admin/templates", "/admin/calendar", "/admin/gov"}
OPERATIONS = {
    "/admin/channels",
    "/admin/moderation",
    "/admin/feedback",
    "/admin/ops/people",
    "/admin/ops/structure",
    "/admin/reports",
    "/admin/audit",
    "/admin/graphql",
}
#: What each role sees, by group: what its permissions let it use somewhere.
SEEN = {
    "editor": {
        "editing": EDITING,
        "operations": {"/admin/feedback", "/admin/reports", "/admin/graphql"},
    },
    "approver": {  # the moderator: decides items and holds comments
        "editing": {"/admin/", "/admin/calendar", "/admin/gov"},
        "operations": {"/admin/moderation", "/admin/feedback", "/admin/reports", "/admin/graphql"},
    },
    "channel_admin": {
        "editing": {"/admin/", "/admin/calendar"},
        "operations": {"/admin/channels", "/admin/feedback", "/admin/reports", "/admin/graphql"},
    },
    "admin": {"editing": EDITING, "operations": OPERATIONS},
}

NAV = re.compile(r'<nav aria-label="[^"]*" class="desk-nav">(.*?)</nav>', re.S)
GROUP = re.compile(r'<div class="nav-group" id="nav-(\w+)">(.*?)</div>', re.S)
LINK = re.compile(r'<a href="([^"]+)"(?: aria-current="(\w+)")?>')


def shown(html: str) -> dict[str, dict[str, str | None]]:
    """{group: {href: aria-current}} of the page's navigation."""
    nav = NAV.search(html)
    assert nav, "the page has no desk navigation"
    return {
        key: {href: current or None for href, current in LINK.findall(body)}
        for key, body in GROUP.findall(nav.group(1))
    }


@pytest.mark.parametrize("role", sorted(SEEN))
def test_each_role_sees_exactly_the_links_it_may_use(
    web: TestClient, make_account: MakeAccount, clock: Clock, role: str
) -> None:
    sign_in(web, make_account(f"nguoi-{role.replace('_', '-')}", role=role), clock)
    page = web.get("/admin/")
    assert page.status_code == 200
    groups = shown(page.text)
    assert {k: set(v) for k, v in groups.items()} == SEEN[role]
    assert 'class="nav-title" id="nav-title-editing">Biên tập' in page.text
    assert groups["editing"]["/admin/"] == "page"
    assert [c for g in groups.values() for c in g.values() if c] == ["page"]


def test_the_current_page_and_section_are_marked(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    make_account("bien-tap")
    sign_in(web, make_account("quan-tri", role="admin"), clock)
    compose = shown(web.get("/admin/compose").text)
    assert compose["editing"]["/admin/compose"] == "page"
    assert compose["editing"]["/admin/"] is None  # the desk is not every page's parent
    person = shown(web.get("/admin/ops/people/bien-tap").text)
    assert person["operations"]["/admin/ops/people"] == "true"  # a page inside People
    assert [c for g in person.values() for c in g.values() if c] == ["true"]


def test_every_page_in_the_navigation_renders_with_itself_current(
    web: TestClient, make_account: MakeAccount, clock: Clock
) -> None:
    sign_in(web, make_account("quan-tri", role="admin"), clock)
    for href in sorted(EDITING | OPERATIONS):
        page = web.get(href)
        assert page.status_code == 200, href
        group = "editing" if href in EDITING else "operations"
        assert shown(page.text)[group][href] == "page", href


def test_the_rule_is_any_unit_the_actor_holds_a_role_on() -> None:
    """A role held low in the tree counts; scopes (an API token's) narrow it as everywhere."""
    low = Actor("xa", (Grant(Role.CHANNEL_ADMIN, "/VN/38/14932/"),), user_id=1)
    hrefs = {link.href for group in nav_for(low, "/admin/") for link in group.links}
    assert "/admin/channels" in hrefs and "/admin/compose" not in hrefs
    nobody = Actor("ai-do", (), user_id=2)
    assert [(g.key, [link.href for link in g.links]) for g in nav_for(nobody, "/admin/")] == [
        ("editing", ["/admin/"]),
        ("operations", ["/admin/graphql"]),
    ]
