"""The ``loa`` command: serve, work, demo, and the operator's tools."""

from __future__ import annotations

import logging
import secrets
import sys
from pathlib import Path
from typing import Any, Literal

import click

from core.settings import Settings, SettingsError, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None


def _logging(settings: Settings) -> None:
    from core.log_redaction import install

    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    install()
    if logging.getLogger().getEffectiveLevel() < logging.INFO:
        # At DEBUG SQLAlchemy logs result rows (password hashes, sealed keys): statements only.
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)


def uvicorn_config(
    app: Any,
    *,
    host: str,
    port: int,
    log_level: str,
    lifespan: Literal["auto", "on", "off"] = "auto",
    workers: int = 1,
    factory: bool = False,
) -> Any:
    """The uvicorn config of ``loa serve`` and ``loa demo``: its access log never shows a secret.

    Tests serve apps through this same function (``serve`` in tests/conftest.py). uvloop and
    httptools (pinned dependencies) serve about three times the requests of asyncio + h11.
    Several ``workers`` need ``app`` as an import string of a factory (each process builds its
    own app), e.g. ``"core.cli:web_app"`` with ``factory=True``.
    """
    import uvicorn

    from core.log_redaction import uvicorn_log_config

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level.lower(),
        log_config=uvicorn_log_config(),
        lifespan=lifespan,
        loop="uvloop",
        http="httptools",
        workers=workers,
        factory=factory,
    )


def web_app() -> Any:
    """The app of one ``loa serve`` process, built from the environment.

    uvicorn calls it in each worker process (``factory=True``): settings, logging with its
    secret redaction and the app are made there, as ``loa serve`` makes them in one process.
    """
    from core.app import create_app

    settings = _settings()
    _logging(settings)
    return create_app(settings)


@click.group()
def main() -> None:
    """Loa: write once, approve, publish to every channel."""
    from core.wiring import wire

    wire()  # jobs and sweeps call up into content and workflow through these


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Web processes (default LOA_WEB_WORKERS, 1).",
)
def serve(host: str, port: int, workers: int | None) -> None:
    """Serve the public and management APIs (uvicorn)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    settings = _settings()
    _logging(settings)
    if (workers or settings.web_workers) > 1 and settings.embedded_redis:
        # Each process would run its own in-process queue, worker and sweeper on one database:
        # the sweepers would race each other and could deliver an item twice.
        raise click.UsageError(
            "several web processes need a shared Redis (LOA_REDIS_URL); "
            "the embedded defaults serve with one process"
        )
    config = uvicorn_config(
        "core.cli:web_app",
        host=host,
        port=port,
        log_level=settings.log_level,
        workers=workers or settings.web_workers,
        factory=True,
    )
    if config.workers > 1:
        # uvicorn's supervisor: one socket, N processes each calling web_app(); SIGTERM stops all.
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        uvicorn.Server(config).run()


@main.command()
@click.option(
    "--concurrency", type=int, default=None, help="Deliveries in flight (threads of one process)."
)
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(concurrency: int | None, burst: bool) -> None:
    """Deliver to channels: rq workers on LOA_REDIS_URL, plus the sweeper."""
    from core.delivery.worker import run_worker

    settings = _settings()
    if settings.embedded_redis:
        raise click.ClickException(
            "loa worker needs LOA_REDIS_URL; with the embedded default, `loa serve` runs "
            "an in-process worker."
        )
    _logging(settings)
    run_worker(settings, concurrency, burst)


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration (SQLite or PostgreSQL)."""
    from core.migrate import upgrade

    upgrade(_settings())
    click.echo("database is up to date")


@main.group()
def units() -> None:
    """Administrative units."""


@units.command("sync")
def units_sync() -> None:
    """Load the 2025 tree (34 provinces, 3,321 communes) and the legacy tree."""
    from core.context import build_context
    from core.units.sync import sync

    ctx = build_context(_settings())
    with ctx.transaction() as session:
        counts = sync(session)
    ctx.emit("unit.synced", counts)  # public answers and cached subtrees see the new tree
    for key, n in sorted(counts.items()):
        click.echo(f"{key}: {n}")


@main.group()
def user() -> None:
    """Accounts."""


@user.command("create")
@click.argument("username")
@click.option(
    "--unit", "unit_code", default="VN", show_default=True, help="Unit the role is held on."
)
@click.option(
    "--role",
    type=click.Choice(["contributor", "editor", "approver", "channel_admin", "admin"]),
    default="admin",
    show_default=True,
)
@click.option(
    "--reset",
    is_flag=True,
    help="The account has enrolled: issue a link anyway (its holder chooses a new password "
    "and enrols again). Audited.",
)
def user_create(username: str, unit_code: str, role: str, reset: bool) -> None:
    """Create an account and print its one-time enrolment link (never a password)."""
    from core.auth.accounts import create_user
    from core.context import build_context
    from core.errors import Conflict

    settings = _settings()
    ctx = build_context(settings)
    token = secrets.token_urlsafe(32)
    try:
        create_user(
            ctx, username=username, unit_code=unit_code, role=role, enrol_token=token, reset=reset
        )
    except (LookupError, Conflict) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created {username} ({role} on {unit_code})")
    click.echo(f"one-time enrolment link: {settings.base_url}/admin/enrol/{token}")


# --- the operator's scripts: structure, roles and accounts ---------------------------------


def _operator() -> tuple[Any, Any]:
    """The context and the actor of the operator's shell: the system, audited as ``cli``."""
    import dataclasses

    from core.auth.permissions import SYSTEM
    from core.context import build_context

    return build_context(_settings()), dataclasses.replace(SYSTEM, name="cli")


def _run(act: Any) -> Any:
    """``act()``; a refusal or bad input is one line on stderr and exit status 1."""
    from core.errors import LoaError

    try:
        return act()
    except LoaError as exc:
        raise click.ClickException(f"{exc.code}: {exc.message}") from None


UNIT = click.option("--unit", "unit_code", required=True, help="The unit's code, e.g. 14932.")


@main.group()
def agencies() -> None:
    """A unit's agencies (the quarterly quota, S0.7, counts them)."""


@agencies.command("list")
@UNIT
def agencies_list(unit_code: str) -> None:
    """One line per agency: id, active or not, name."""
    from core.actions import structure

    ctx, actor = _operator()
    for a in _run(lambda: structure.list_agencies(ctx, actor, unit_code)):
        click.echo(f"{a.id}\t{'active' if a.active else 'inactive'}\t{a.name}")


@agencies.command("create")
@UNIT
@click.argument("name")
@click.option("--website", default="", help="The agency's site, if any.")
def agencies_create(unit_code: str, name: str, website: str) -> None:
    """Add an agency to the unit (a name unique in the unit, audited)."""
    from core.actions import structure

    ctx, actor = _operator()
    made = _run(lambda: structure.create_agency(ctx, actor, unit_code, name, website))
    click.echo(f"created agency {made.id}: {made.name} ({unit_code})")


@main.group()
def categories() -> None:
    """Categories and their sections (the public API names them by slug)."""


@categories.command("list")
@UNIT
def categories_list(unit_code: str) -> None:
    """The unit's categories and the shared ones: id, slug, active or not, name."""
    from core.actions import structure

    ctx, actor = _operator()
    for c in _run(lambda: structure.list_categories(ctx, actor, unit_code)):
        indent = "  " if c.parent_id else ""
        state = "active" if c.active else "inactive"
        click.echo(f"{c.id}\t{c.slug}\t{state}\t{indent}{c.name}")


@categories.command("create")
@UNIT
@click.argument("name")
@click.option("--slug", default="", help="Default: made from the name.")
@click.option("--parent", "parent_id", type=int, default=None, help="A section under this id.")
def categories_create(unit_code: str, name: str, slug: str, parent_id: int | None) -> None:
    """Add a category (or a section, with --parent) to the unit."""
    from core.actions import structure

    ctx, actor = _operator()
    made = _run(lambda: structure.create_category(ctx, actor, unit_code, name, parent_id, slug))
    click.echo(f"created category {made.id}: {made.slug} ({made.name})")


@main.group()
def roles() -> None:
    """Roles of accounts on the unit tree."""


#: Checked by the action, which names every role when it is not one.
ROLE = click.argument("role")


@roles.command("grant")
@click.argument("username")
@ROLE
@UNIT
def roles_grant(username: str, role: str, unit_code: str) -> None:
    """Give USERNAME the ROLE on the unit (and its descendants); audited."""
    from core.auth import actions

    ctx, actor = _operator()
    _run(lambda: actions.grant_role(ctx, actor, username, unit_code, role))
    click.echo(f"{username}: {role} on {unit_code}")


@roles.command("revoke")
@click.argument("username")
@ROLE
@UNIT
def roles_revoke(username: str, role: str, unit_code: str) -> None:
    """Take the ROLE on the unit away from USERNAME; audited."""
    from core.auth import actions

    ctx, actor = _operator()
    _run(lambda: actions.revoke_role(ctx, actor, username, unit_code, role))
    click.echo(f"{username}: no longer {role} on {unit_code}")


@main.group()
def accounts() -> None:
    """Accounts: list them, create one with an enrolment link."""


@accounts.command("list")
@click.option("--search", default="", help="Name or username, with or without diacritics.")
def accounts_list(search: str) -> None:
    """One line per account: username, state, second factor, last sign-in, roles."""
    from core.auth import people

    ctx, actor = _operator()
    for a in _run(lambda: people.list_accounts(ctx, actor, search)):
        state = "active" if a.active else f"disabled ({a.disabled_reason})"
        factor = "totp" if a.totp_enrolled else "link pending" if a.link_pending else "no totp"
        seen = a.last_login_at.isoformat(timespec="minutes") if a.last_login_at else "never"
        held = ", ".join(f"{r.role}@{r.unit_code}" for r in a.roles) or "no role"
        click.echo(f"{a.username}\t{state}\t{factor}\t{seen}\t{held}")


@accounts.command("create")
@click.argument("username")
@click.option("--role", required=True, help="The first role, e.g. editor.")
@UNIT
@click.option("--name", "display_name", default="", help="The person's name.")
@click.option("--email", default="")
def accounts_create(
    username: str, role: str, unit_code: str, display_name: str, email: str
) -> None:
    """A new account with one role; prints its one-time enrolment link."""
    from core.auth import people

    ctx, actor = _operator()
    link = _run(
        lambda: people.create_account(
            ctx, actor, username=username, unit_code=unit_code, role=role,
            display_name=display_name, email=email,
        )
    )  # fmt: skip
    click.echo(f"created {username} ({role} on {unit_code})")
    click.echo(f"one-time enrolment link: {ctx.settings.base_url}/admin/enrol/{link.token}")


@main.group()
def keys() -> None:
    """Encryption keys of secrets at rest (LOA_SECRET_KEYS)."""


@keys.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every sealed value under the first key of LOA_SECRET_KEYS."""
    from core.context import build_context
    from core.keys import rotate_all

    ctx = build_context(_settings())
    for name, n in rotate_all(ctx).items():
        click.echo(f"{name}: {n} {'re-keyed' if name.endswith('.digest') else 're-encrypted'}")


@main.group()
def audit() -> None:
    """The hash-chained audit log."""


@audit.command("verify")
@click.option(
    "--anchor",
    "anchor_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Anchors kept off the database host: fail if the chain no longer holds them.",
)
def audit_verify(anchor_file: Path | None) -> None:
    """Exit 0 when the chain is intact (and holds every anchor); otherwise say where not."""
    from core import audit as audit_log
    from core import audit_anchor
    from core.context import build_context

    anchors = []
    if anchor_file is not None:
        try:
            anchors = audit_anchor.parse(anchor_file.read_text(encoding="utf-8"))
        except audit_anchor.AnchorError as exc:
            raise click.ClickException(f"{anchor_file}: {exc}") from None
    ctx = build_context(_settings())
    with ctx.sessions() as session:
        report = audit_log.verify(session)
        anchored = audit_anchor.check(session, anchors)
    if not report.ok:
        click.echo(f"audit chain broken at entry {report.first_bad_id}: {report.reason}", err=True)
        sys.exit(1)
    if not anchored.ok:
        click.echo(f"audit chain does not hold its anchors: {anchored.reason}", err=True)
        sys.exit(1)
    click.echo(f"audit chain intact ({report.checked} entries, head {report.head[:16]})")
    if anchor_file is not None:
        old = anchored.unsigned
        note = f" ({old} signed under keys no longer configured)" if old else ""
        click.echo(f"holds all {anchored.checked} anchors of {anchor_file}{note}")


@audit.command("anchor")
@click.option(
    "--file",
    "anchor_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Append the anchor to this file (default: LOA_AUDIT_ANCHOR_FILE, if set).",
)
def audit_anchor_cmd(anchor_file: Path | None) -> None:
    """Sign the chain's head and print it (one JSON line); keep it off the database host."""
    from core import audit_anchor
    from core.context import build_context

    settings = _settings()
    ctx = build_context(settings)
    with ctx.transaction() as session:
        anchor = audit_anchor.make(session, actor="cli")
    target = anchor_file or settings.audit_anchor_file
    if target is not None:
        audit_anchor.append(target, anchor)
    click.echo(anchor.line())


@audit.command("prune")
def audit_prune() -> None:
    """Delete entries older than LOA_AUDIT_RETENTION_DAYS, keeping the chain provable."""
    import datetime as dt

    from core import audit as audit_log
    from core.context import build_context
    from core.db import utcnow

    settings = _settings()
    ctx = build_context(settings)
    with ctx.transaction() as session:
        n = audit_log.prune(session, utcnow() - dt.timedelta(days=settings.audit_retention_days))
    click.echo(f"pruned {n} entries")


@main.command()
@click.option("--unit", "unit_code", required=True, help="The unit's code, e.g. 14932.")
def compliance(unit_code: str) -> None:
    """Which of the information a unit must publish it has, lacks or has in part (C1).

    Exits 1 when anything is missing, so a script or a CI job can watch a unit."""
    from core.auth.permissions import SYSTEM
    from core.context import build_context
    from core.errors import ValidationFailed
    from core.govcontent.completeness import Coverage, local_day, score, unit_report

    ctx = build_context(_settings())
    try:
        unit, findings = unit_report(ctx, SYSTEM, unit_code)
    except ValidationFailed as exc:
        raise click.ClickException(exc.message) from None
    present, total = score(findings)
    click.echo(f"{unit.name} ({unit.code}): {present} of {total} published in full")
    marks = {Coverage.PRESENT: "ok  ", Coverage.PARTIAL: "part", Coverage.MISSING: "MISS"}
    for f in findings:
        o = f.obligation
        click.echo(f"[{marks[f.coverage]}] {o.name} ({o.source}): {f.count}, {local_day(f.latest)}")
        for line in f.missing:
            click.echo(f"       - {line}")
    if present < total:
        raise SystemExit(1)


@main.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(path: Path) -> None:
    """Import articles from JSON Lines; bad lines are reported, good ones load."""
    from core.actions.importer import import_jsonl
    from core.auth.permissions import SYSTEM
    from core.context import build_context

    ctx = build_context(_settings())
    with path.open("rb") as fh:  # bytes: each line is decoded on its own, errors reported
        report = import_jsonl(ctx, SYSTEM, fh)
    for number, asked, given in report.renamed:
        click.echo(f"line {number}: slug {asked!r} repeats an earlier line: imported as {given!r}")
    for number, reason in report.errors:
        click.echo(f"line {number}: {reason}", err=True)
    click.echo(
        f"imported {report.created}, already present {report.skipped}, bad {len(report.errors)}"
    )
    if report.errors:
        sys.exit(1)


@main.command()
@click.option(
    "--markdown", is_flag=True, help="The README's settings table, from core/settings.py."
)
def settings(markdown: bool) -> None:
    """Every setting Loa reads: its variable, default and meaning (declared once)."""
    from core.settings import VARIABLES, markdown_table

    if markdown:
        click.echo(markdown_table(), nl=False)
        return
    for env, (shown, doc) in VARIABLES.items():
        click.echo(f"{env}={shown}\n    {doc}")


@main.command()
@click.option(
    "--explain",
    is_flag=True,
    help="Per line: which entry matched, through which normalisation, the decision per direction.",
)
@click.option(
    "--export-labels",
    is_flag=True,
    help="Write a unit's moderator decisions (labelled examples) instead of reading stdin.",
)
@click.option("--unit", "unit_code", default="", help="With --export-labels: the unit's code.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="With --export-labels: JSON lines or CSV.",
)
def moderate(explain: bool, export_labels: bool, unit_code: str, fmt: str) -> None:
    """Read text lines on stdin, write one JSON verdict (or --explain) per line."""
    import io

    from core.moderation.cli import main as moderate_main

    if export_labels:
        if not unit_code:
            raise click.UsageError("--export-labels needs --unit CODE")
        from core.actions.moderation_policy import export_labels as labels
        from core.auth.permissions import SYSTEM
        from core.context import build_context
        from core.interactions.label_export import write_labels

        # the operator's shell, like `loa units sync`: the system actor
        rows = labels(build_context(_settings()), SYSTEM, unit_code)
        write_labels(rows, sys.stdout, fmt)
        return
    # Bytes that are not UTF-8 become U+FFFD and are judged, rather than ending the run.
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    sys.exit(moderate_main(stdin, sys.stdout, explain=explain))


DEMO_ACCOUNTS = (
    ("demo-admin", "38", "admin", "admin of Thanh Hóa / quản trị tỉnh"),
    ("demo-editor", "14932", "editor", "editor of Cẩm Thủy / biên tập xã"),
    ("demo-approver", "14932", "approver", "approver of Cẩm Thủy / phê duyệt xã"),
    ("demo-ministry", "VN", "approver", "national approver / phê duyệt cấp Bộ"),
)
#: The other roles the demo path asks for: the commune's portal is released by its editorial
#: board, the identity app's feed by the police of the item's unit; the province admin stands
#: in for the province police of national items, the ministry approver for their national step.
DEMO_ROLES = (
    ("demo-approver", "14932", "editorial_board"),
    ("demo-approver", "14932", "police"),
)


def demo_accounts(ctx: Any) -> list[str]:
    """The demo's accounts, each with a fresh one-time enrolment link until it has enrolled."""
    from sqlalchemy import select

    from core.auth.accounts import create_user
    from core.auth.actions import grant_role
    from core.auth.models import User
    from core.auth.permissions import SYSTEM

    lines = ["Demo accounts (open a link to choose a password and enrol a TOTP app):"]
    for username, unit, role, what in DEMO_ACCOUNTS:
        with ctx.sessions() as session:
            user = session.scalar(select(User).where(User.username == username))
        if user is not None and user.totp_enabled_at is not None:
            lines.append(f"  {username:14} {what}: enrolled; sign in at /admin/login")
            continue
        token = secrets.token_urlsafe(32)
        create_user(ctx, username=username, unit_code=unit, role=role, enrol_token=token)
        lines.append(f"  {username:14} {what}: {ctx.settings.base_url}/admin/enrol/{token}")
    for username, unit, role in DEMO_ROLES:
        grant_role(ctx, SYSTEM, username, unit, role)  # kept once: granting again changes nothing
    return lines


@main.command()
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
def demo(port: int, host: str) -> None:
    """Run Loa on its embedded defaults with the channel sandboxes and demo content."""
    import os

    import uvicorn

    from core.app import create_app
    from core.context import build_context
    from core.demo import demo_settings, seed
    from core.migrate import upgrade

    os.environ.setdefault("LOA_BASE_URL", f"http://{host}:{port}")
    settings = demo_settings(_settings())
    _logging(settings)
    upgrade(settings)
    ctx = build_context(settings)
    report = seed(ctx)
    skipped = " (some media left out: see the warnings above)" if report.get("notes") else ""
    base = settings.base_url
    # Each plugin's emulator, by the path its plugin mounts it at (core names no channel).
    sandboxes = "".join(
        f"  Sandbox (received)        {base}{path}/\n"
        for batch in ctx.pm.hook.loa_sandboxes(settings=settings)
        for path, _app in batch
    )
    click.echo(
        f"""
Loa demo — {report["articles"]} new articles seeded{skipped}
  GraphiQL (public API)     {base}/graphql
{sandboxes.rstrip()}
  RSS of Thanh Hóa          {base}/feeds/38/rss.xml
  Sitemap                   {base}/sitemap.xml
  Health                    {base}/healthz
Admin sign-in: {base}/admin/login
Management API: {base}/api/graphql (a signed-in session, or an API token made at {base}/admin/)
"""
    )
    for line in demo_accounts(ctx):
        click.echo(line)
    app = create_app(settings, ctx=ctx, sandboxes=True)
    uvicorn.Server(uvicorn_config(app, host=host, port=port, log_level=settings.log_level)).run()


if __name__ == "__main__":
    main()
