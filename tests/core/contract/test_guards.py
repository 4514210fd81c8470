"""Guards of the plugin contract: what ``core`` exports, that every hook is tested, that
the test plugin uses only the public API, and that every event core emits is documented.

Each guard is one list: a new export, hook or event is added to it (and to
``docs/plugins.md``) in the same change.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import core
from core import hookspecs

ROOT = Path(__file__).resolve().parents[3]
TEST_PLUGIN = ROOT / "tests" / "plugins" / "loa_testchannel"

#: ``core.__all__``, pinned: plugins build on it, so a change to it is a decision.
PUBLIC_API = sorted(
    [
        "AGENCY_LEADER_GATE",
        "AUDIENCE_FIELDS",
        "ApprovalGate",
        "Audience",
        "AuthError",
        "BansAuthors",
        "Capabilities",
        "Channel",
        "Checkable",
        "ChannelDeclaration",
        "ChannelError",
        "CitizenComment",
        "CommentEvent",
        "Configurable",
        "Connectable",
        "ContentRefused",
        "Credentials",
        "DeletesComments",
        "DestinationRefused",
        "FieldType",
        "Health",
        "HoldsComments",
        "InboundRequest",
        "Interactions",
        "Item",
        "ItemImage",
        "MessageEvent",
        "OutcomeUnknown",
        "PermanentError",
        "PluginContext",
        "PublishedContent",
        "RateLimited",
        "Remote",
        "Rendered",
        "Replies",
        "Secret",
        "SettingField",
        "Settings",
        "StatusEvent",
        "Target",
        "TransientError",
        "WebhookEvent",
        "WebhookRefused",
        "Webhooks",
        "hookimpl",
        "hub_challenge",
        "require_sha256_signature",
        "sha256_signature",
        "outbound_client",
        "retry_after",
        "sanitise_html",
        "Allowance",
        "AssistRequired",
        "AssistedTask",
        "Cost",
        "Costed",
        "ItemMedia",
        "KitFile",
        "MediaAccepts",
        "MediaFile",
        "MediaProblem",
        "MediaRule",
        "MediaUnavailable",
        "MediaUnfit",
        "Preview",
        "Rendition",
        "conditional",
    ]
)

#: Every hookspec → a test that calls it through a plugin (``path::test``).
HOOK_TESTS = {
    "loa_channels": (
        "tests/core/test_plugins.py::test_third_party_plugin_loads_through_its_entry_point"
    ),
    "loa_channel_declarations": (
        "tests/core/workflow/test_declared_rules.py"
        "::test_a_declared_gate_is_a_step_of_every_item_sent_there"
    ),
    "loa_routes": (
        "tests/core/contract/test_plugin_context.py"
        "::test_a_plugin_route_reads_published_content_through_its_context"
    ),
    "loa_sandboxes": (
        "tests/plugins/portal/test_hooks.py::test_demo_target_publishes_to_the_mounted_sandbox"
    ),
    "loa_demo_targets": (
        "tests/plugins/portal/test_hooks.py::test_hooks_register_and_return_the_plugin_parts"
    ),
    "loa_event": (
        "tests/core/contract/test_plugin_context.py"
        "::test_a_plugin_emits_events_other_plugins_observe"
    ),
}

#: Events whose name core builds at run time → every name it can build.
#: The government content types (``core.govcontent``), by ``Kind.name``.
GOV_KINDS = (
    "legal_document",
    "banner",
    "schedule_slot",
    "directory_entry",
    "unit_profile",
    "official_channel",
    "menu_item",
    "campaign_section",
)
DYNAMIC_EVENTS = {
    'f"gov.{kind.name}.saved"': {f"gov.{k}.saved" for k in GOV_KINDS},
    'f"gov.{kind.name}.published"': {f"gov.{k}.published" for k in GOV_KINDS},
    'f"gov.{kind.name}.withdrawn"': {f"gov.{k}.withdrawn" for k in GOV_KINDS},
    'f"article.{status.value}"': {"article.retracted", "article.expired"},
    'f"reply.{state.value}"': {"reply.sent", "reply.failed", "reply.retrying", "reply.unknown"},
    'f"feedback.{threshold}"': {"feedback.due_soon", "feedback.overdue"},
}


def test_the_public_api_is_pinned() -> None:
    assert sorted(core.__all__) == PUBLIC_API
    assert all(hasattr(core, name) for name in core.__all__)


def _hookspecs() -> set[str]:
    return {
        name
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if name.startswith("loa_") and fn.__module__ == hookspecs.__name__
    }


def test_every_hookspec_has_a_test_that_exists() -> None:
    assert set(HOOK_TESTS) == _hookspecs()
    missing = []
    for hook, ref in HOOK_TESTS.items():
        path, name = ref.split("::")
        source = (ROOT / path).read_text(encoding="utf-8") if (ROOT / path).exists() else ""
        if f"def {name}(" not in source:
            missing.append(f"{hook}: {ref}")
    assert missing == []


def test_every_hookspec_is_documented() -> None:
    doc = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    assert [h for h in sorted(_hookspecs()) if f"### `{h}`" not in doc] == []


def test_the_test_plugin_imports_only_the_public_core() -> None:
    offenders = []
    for path in TEST_PLUGIN.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}: {n}"
                for n in names
                if n.startswith("core.") or n.split(".")[0] in ("plugins", "admin", "tests")
            ]
    assert offenders == []


_EMIT = re.compile(r"\.emit\(\s*(f?\"[^\"]+\")")


def emitted_events() -> set[str]:
    """Every event name core emits, read from its source (``ctx.emit("…", …)``)."""
    names: set[str] = set()
    unknown = []
    for path in (ROOT / "core").rglob("*.py"):
        for literal in _EMIT.findall(path.read_text(encoding="utf-8")):
            if literal.startswith("f"):
                if literal not in DYNAMIC_EVENTS:
                    unknown.append(f"{path.relative_to(ROOT)}: {literal}")
                names |= DYNAMIC_EVENTS.get(literal, set())
            else:
                names.add(literal.strip('"'))
    assert unknown == [], "list the names these build in DYNAMIC_EVENTS"
    return names


def test_every_emitted_event_is_in_the_catalogue() -> None:
    doc = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    catalogue = doc[doc.index("## Event catalogue") :]
    listed = set(re.findall(r"^\| `([\w.]+)` \|", catalogue, re.MULTILINE))
    found = emitted_events()
    assert {"article.published", "target.health", "reply.sent"} <= found  # the reader works
    assert sorted(found - listed) == []
    assert sorted(listed - found) == []  # nothing documented that core no longer emits


def test_the_aspects_a_gate_covers_are_the_aspects_fields_belong_to() -> None:
    """The contract (below content) names the aspects itself; they must stay the fields' own."""
    from core.content.fields import Aspect
    from core.contract.declarations import GATE_ASPECTS

    assert tuple(a.value for a in Aspect) == GATE_ASPECTS
