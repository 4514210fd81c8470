"""Settings of one Loa process, read from the environment in one place.

Nothing else in Loa reads ``os.environ``: the composition root calls
:func:`load_settings` once and passes the frozen result down.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class SettingsError(RuntimeError):
    """The environment describes a process that must not start."""


class Secret:
    """A string that never shows itself in a repr, a log line or an error."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and secrets.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash(self._value)


def setting(
    env: str,
    default: Any,
    doc: str,
    *,
    parse: Callable[[str], Any] | None = None,
    blank_default: bool = False,
    shown: str | None = None,
) -> Any:
    """Declare one setting once: its variable, typed default and meaning (the README's row).

    ``parse`` turns the variable's text into the value (default: the default's type);
    ``blank_default`` reads an empty variable as unset; ``shown`` is the default as the
    README shows it when the value itself does not say it.
    """
    if parse is None:
        parse = str if default is None else type(default)
    if shown is None:
        if default is None:
            shown = "(unset)"
        elif isinstance(default, float) and default.is_integer():
            shown = str(int(default))
        else:
            shown = str(default)
    meta = {"env": env, "doc": doc, "parse": parse, "blank_default": blank_default, "shown": shown}
    return field(default=default, metadata=meta)


def _env(raw: str) -> str:
    if raw not in ("dev", "prod"):
        raise SettingsError(f"LOA_ENV must be 'dev' or 'prod', not {raw!r}")
    return raw


def _keys(raw: str) -> tuple[Secret, ...]:
    return tuple(Secret(k.strip()) for k in raw.split(",") if k.strip())


def _base_url(raw: str) -> str:
    return raw.rstrip("/")


def _csv(raw: str) -> tuple[str, ...]:
    return tuple(h.strip() for h in raw.split(",") if h.strip())


def _web_workers(raw: str) -> int:
    """``LOA_WEB_WORKERS``: at least one process, or `loa serve` would serve nothing."""
    try:
        workers = int(raw)
    except ValueError:
        raise SettingsError(f"LOA_WEB_WORKERS must be a whole number, not {raw!r}") from None
    if workers < 1:
        raise SettingsError(f"LOA_WEB_WORKERS must be at least 1, not {workers}")
    return workers


def _origins(text: str) -> tuple[str, ...]:
    """``LOA_CORS_ORIGINS``: ``*`` or origins (``https://xa-abc.gov.vn``), comma-separated."""
    origins = []
    for raw in (o.strip() for o in text.split(",")):
        if not raw:
            continue
        parts = urlsplit(raw)
        if raw != "*" and (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or parts.username is not None
        ):
            raise SettingsError(
                f"LOA_CORS_ORIGINS: {raw!r} is not an origin (scheme://host[:port]) nor *"
            )
        origins.append(raw if raw == "*" else f"{parts.scheme}://{parts.netloc}".lower())
    return tuple(origins)


def _smtp_tls(raw: str) -> str:
    """``LOA_SMTP_TLS``: how the connection to the mail server is protected."""
    mode = raw.strip().lower()
    if mode not in ("starttls", "tls", "none"):
        raise SettingsError(f"LOA_SMTP_TLS must be starttls, tls or none, not {raw!r}")
    return mode


def _networks(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    from core.outbound.addresses import parse_networks

    try:
        return parse_networks(text)
    except ValueError as exc:
        raise SettingsError(f"LOA_OUTBOUND_ALLOW_NETWORKS: {exc}") from None


def _periods(raw: str) -> tuple[tuple[dt.time, dt.time], ...]:
    """``LOA_FEEDBACK_WORKING_HOURS``: ``HH:MM-HH:MM`` periods of a working day, in order."""
    periods: list[tuple[dt.time, dt.time]] = []
    for part in (p.strip() for p in raw.split(",") if p.strip()):
        try:
            start, end = (dt.time.fromisoformat(x.strip()) for x in part.split("-"))
        except ValueError:
            message = f"LOA_FEEDBACK_WORKING_HOURS: {part!r} is not HH:MM-HH:MM"
            raise SettingsError(message) from None
        if start >= end or (periods and start < periods[-1][1]):
            raise SettingsError(f"LOA_FEEDBACK_WORKING_HOURS: {part!r} is out of order")
        periods.append((start, end))
    if not periods:
        raise SettingsError("LOA_FEEDBACK_WORKING_HOURS names no period")
    return tuple(periods)


def _weekdays(raw: str) -> tuple[int, ...]:
    """``LOA_FEEDBACK_WORKING_DAYS``: ISO weekdays (1 = Monday … 7 = Sunday), e.g. ``1-5``."""
    days: set[int] = set()
    try:
        for part in (p.strip() for p in raw.split(",") if p.strip()):
            first, _, last = part.partition("-")
            days.update(range(int(first), int(last or first) + 1))
    except ValueError:
        raise SettingsError(f"LOA_FEEDBACK_WORKING_DAYS: {raw!r} is not like 1-5") from None
    if not days or not days <= set(range(1, 8)):
        raise SettingsError(f"LOA_FEEDBACK_WORKING_DAYS: {raw!r} must name days 1 to 7")
    return tuple(sorted(days))


def _dates(raw: str) -> tuple[dt.date, ...]:
    """``LOA_FEEDBACK_HOLIDAYS``: days off (YYYY-MM-DD), comma-separated."""
    try:
        return tuple(sorted(dt.date.fromisoformat(d) for d in _csv(raw)))
    except ValueError:
        raise SettingsError(f"LOA_FEEDBACK_HOLIDAYS: {raw!r} holds a day not YYYY-MM-DD") from None


@dataclass(frozen=True)
class Settings:
    """Everything a Loa process needs to know about where it runs, each setting declared once.

    ``redis_url`` of ``None`` means the embedded default: fakeredis and an
    in-process worker, good for a demo or a laptop, refused in production.
    """

    env: str = setting(
        "LOA_ENV",
        "dev",
        "`dev` or `prod`. Prod refuses embedded SQLite/fakeredis and missing keys.",
        parse=_env,
    )
    database_url: str = setting(
        "LOA_DATABASE_URL",
        "sqlite:///var/loa.db",
        "SQLAlchemy URL; PostgreSQL in production.",
        blank_default=True,
    )
    redis_url: str | None = setting(
        "LOA_REDIS_URL",
        None,
        "Redis for the rq queue. Unset: fakeredis and an in-process worker.",
        blank_default=True,
    )
    secret_keys: tuple[Secret, ...] = setting(
        "LOA_SECRET_KEYS",
        (),
        "Comma-separated base64 keys (32 bytes). The first encrypts, all decrypt.",
        parse=_keys,
        shown="(dev: generated in var/secret.key)",
    )
    base_url: str = setting(
        "LOA_BASE_URL",
        "http://127.0.0.1:8000",
        "Public URL used in feeds, sitemaps and links.",
        parse=_base_url,
    )
    var_dir: Path = setting(
        "LOA_VAR_DIR",
        Path("var"),
        "Directory for the SQLite file and the dev key file.",
        parse=Path,
    )
    web_workers: int = setting(
        "LOA_WEB_WORKERS",
        1,
        "Processes of `loa serve` (uvicorn workers on uvloop + httptools); `--workers N` "
        "overrides. More than one needs `LOA_REDIS_URL`; `loa demo` is always one.",
        parse=_web_workers,
    )
    worker_concurrency: int = setting(
        "LOA_WORKER_CONCURRENCY",
        8,
        "Deliveries each `loa worker` keeps in flight (threads of one process).",
    )
    queue_name: str = setting(
        "LOA_QUEUE",
        "loa-delivery",
        "Name of the rq queue the delivery workers listen on.",
    )
    http_timeout: float = setting(
        "LOA_HTTP_TIMEOUT",
        10.0,
        "Seconds before a channel call is abandoned (outcome unknown).",
    )
    job_timeout: int = setting(
        "LOA_JOB_TIMEOUT",
        60,
        "Seconds an rq delivery job may run; keep well above the HTTP timeout.",
    )
    max_attempts: int = setting(
        "LOA_MAX_ATTEMPTS",
        8,
        "Attempts before a failing delivery is marked for attention.",
    )
    sweep_interval: float = setting(
        "LOA_SWEEP_INTERVAL",
        15.0,
        "Seconds between sweeps that re-enqueue due deliveries.",
    )
    interactions_interval: float = setting(
        "LOA_INTERACTIONS_INTERVAL",
        300.0,
        "Seconds between reads of citizens' comments on each channel holding live items.",
    )
    feedback_working_hours: tuple[tuple[dt.time, dt.time], ...] = setting(
        "LOA_FEEDBACK_WORKING_HOURS",
        ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0))),
        "Working periods of an office day (Asia/Ho_Chi_Minh) that feedback deadlines count; "
        "the common provincial schedule by default (docs/feedback.md).",
        parse=_periods,
        shown="07:30-11:30,13:30-17:00",
    )
    feedback_working_days: tuple[int, ...] = setting(
        "LOA_FEEDBACK_WORKING_DAYS",
        (1, 2, 3, 4, 5),
        "ISO weekdays that are working days for feedback deadlines (1 = Monday).",
        parse=_weekdays,
        shown="1-5",
    )
    feedback_holidays: tuple[dt.date, ...] = setting(
        "LOA_FEEDBACK_HOLIDAYS",
        (),
        "Days off that feedback deadlines skip (YYYY-MM-DD, comma-separated).",
        parse=_dates,
        shown="(none)",
    )
    feedback_ack_hours: float = setting(
        "LOA_FEEDBACK_ACK_HOURS",
        8.0,
        "Working hours within which a citizen's feedback must be acknowledged.",
    )
    feedback_urgent_ack_hours: float = setting(
        "LOA_FEEDBACK_URGENT_ACK_HOURS",
        4.0,
        "Working hours within which urgent feedback must be acknowledged.",
    )
    held_alert_minutes: int = setting(
        "LOA_HELD_ALERT_MINUTES",
        30,
        "Minutes a citizen's comment may wait in the moderation queue before its unit's "
        "moderators are alerted (once per comment, on the desk and by e-mail).",
    )
    log_level: str = setting(
        "LOA_LOG_LEVEL",
        "INFO",
        "Python logging level.",
    )
    session_idle: int = setting(
        "LOA_SESSION_IDLE",
        1800,
        "Seconds of inactivity after which an admin session ends.",
    )
    session_lifetime: int = setting(
        "LOA_SESSION_LIFETIME",
        43200,
        "Seconds after sign-in after which a session ends anyway.",
    )
    login_max_failures: int = setting(
        "LOA_LOGIN_MAX_FAILURES",
        5,
        "Failed sign-ins (password or code) for one account from one address before that address "
        "is locked out of it; from twice as many from all addresses, unknown addresses wait a "
        "doubling delay.",
    )
    login_max_failures_per_address: int = setting(
        "LOA_LOGIN_MAX_FAILURES_PER_ADDRESS",
        50,
        "Failed sign-ins per client address before that address is locked for a while.",
    )
    login_lockout: int = setting(
        "LOA_LOGIN_LOCKOUT",
        900,
        "Seconds a lock lasts (and the window failures are counted in).",
    )
    inactive_days: int = setting(
        "LOA_INACTIVE_DAYS",
        45,
        "Accounts without a sign-in for this many days are disabled.",
    )
    audit_retention_days: int = setting(
        "LOA_AUDIT_RETENTION_DAYS",
        365,
        "Audit entries older than this are pruned (checkpointed).",
    )
    enrol_link_hours: int = setting(
        "LOA_ENROL_LINK_HOURS",
        72,
        "Hours a one-time enrolment link stays valid.",
    )
    api_token_max_days: int = setting(
        "LOA_API_TOKEN_MAX_DAYS",
        365,
        "Longest lifetime an API token may be given.",
    )
    graphql_max_depth: int = setting(
        "LOA_GRAPHQL_MAX_DEPTH",
        10,
        "Deepest query the public GraphQL accepts.",
    )
    graphql_max_tokens: int = setting(
        "LOA_GRAPHQL_MAX_TOKENS",
        2000,
        "Most tokens a GraphQL document may have.",
    )
    outbound_allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = setting(
        "LOA_OUTBOUND_ALLOW_NETWORKS",
        (),
        "Comma-separated CIDRs of private networks channel calls may reach (e.g. a portal on the "
        "provincial LAN). Loopback, private, link-local, multicast and unspecified addresses are "
        "refused otherwise.",
        parse=_networks,
        shown="(empty)",
    )
    audit_anchor_file: Path | None = setting(
        "LOA_AUDIT_ANCHOR_FILE",
        None,
        "File the daily signed audit-chain anchor is appended to; keep it off the database host.",
        parse=Path,
        blank_default=True,
    )
    max_body_bytes: int = setting(
        "LOA_MAX_BODY_BYTES",
        1_048_576,
        "Largest request body any endpoint reads; a larger one is refused (413) unread.",
    )
    graphql_max_query_length: int = setting(
        "LOA_GRAPHQL_MAX_QUERY_LENGTH",
        32_768,
        "Longest GraphQL document (characters, comments included) either endpoint parses.",
    )
    graphql_max_aliases: int = setting(
        "LOA_GRAPHQL_MAX_ALIASES",
        20,
        "Most aliases a public GraphQL document may use.",
    )
    graphql_max_fields: int = setting(
        "LOA_GRAPHQL_MAX_FIELDS",
        300,
        "Most field selections a public GraphQL document may make (fragments expanded).",
    )
    graphql_max_cost: int = setting(
        "LOA_GRAPHQL_MAX_COST",
        5000,
        "Most objects a public query may ask for: each field weighs the list sizes above it.",
    )
    graphql_rate_limit: int = setting(
        "LOA_GRAPHQL_RATE_LIMIT",
        600,
        "Requests per minute one client address may make to the public `/graphql`.",
    )
    disabled_plugins: tuple[str, ...] = setting(
        "LOA_DISABLED_PLUGINS",
        (),
        "Comma-separated names of installed plugins (their `loa` entry-point names) Loa must not "
        "load; `make demo` names the test suite's own channel plugin here.",
        parse=_csv,
        shown="(none)",
    )
    trusted_hosts: tuple[str, ...] = setting(
        "LOA_TRUSTED_HOSTS",
        (),
        "Comma-separated Host header values Loa answers; any other gets a 400.",
        parse=_csv,
        shown="(host of LOA_BASE_URL; dev adds localhost)",
    )
    cors_origins: tuple[str, ...] = setting(
        "LOA_CORS_ORIGINS",
        (),
        "Comma-separated origins (`https://xa-abc.gov.vn`) whose pages may read the public "
        "`/graphql`, feeds, sitemap and media from the browser; `*` allows any. Never "
        "credentials; never `/api/` or `/admin`.",
        parse=_origins,
        shown="(none)",
    )
    media_max_image_bytes: int = setting(
        "LOA_MEDIA_MAX_IMAGE_BYTES",
        25_000_000,
        "Largest image upload (bytes), refused while read.",
    )
    media_max_video_bytes: int = setting(
        "LOA_MEDIA_MAX_VIDEO_BYTES",
        1_000_000_000,
        "Largest video upload (bytes), chunked or not.",
    )
    media_max_document_bytes: int = setting(
        "LOA_MEDIA_MAX_DOCUMENT_BYTES",
        50_000_000,
        "Largest document (PDF) upload (bytes).",
    )
    media_unused_days: int = setting(
        "LOA_MEDIA_UNUSED_DAYS",
        7,
        "Days an upload no article or album uses is kept before the daily cleanup removes it.",
    )
    media_store: str = setting(
        "LOA_MEDIA_STORE",
        "file",
        "Where media bytes are kept: `file` (under `LOA_VAR_DIR/media`, one machine) or `s3` (an "
        "S3-compatible bucket every web process and worker shares).",
    )
    s3_endpoint_url: str | None = setting(
        "LOA_S3_ENDPOINT_URL",
        None,
        "URL of the S3-compatible service (MinIO, Ceph RADOS Gateway, a government cloud).",
        blank_default=True,
        shown="(unset: AWS)",
    )
    s3_bucket: str = setting(
        "LOA_S3_BUCKET",
        "",
        "Bucket media objects are kept in; required with `s3`.",
        shown="(unset)",
    )
    s3_region: str = setting(
        "LOA_S3_REGION",
        "us-east-1",
        "Region the requests are signed for (MinIO: `us-east-1`).",
        blank_default=True,
    )
    s3_access_key_id: str | None = setting(
        "LOA_S3_ACCESS_KEY_ID",
        None,
        "Access key of the bucket's account; set with the secret below, or neither.",
        blank_default=True,
        shown="(unset: boto3's own chain)",
    )
    s3_secret_access_key: Secret | None = setting(
        "LOA_S3_SECRET_ACCESS_KEY",
        None,
        "Its secret key; never logged.",
        parse=Secret,
        blank_default=True,
    )
    media_max_pixels: int = setting(
        "LOA_MEDIA_MAX_PIXELS",
        50_000_000,
        "Most pixels (width × height) an uploaded picture may have; checked before decoding "
        "(Pillow refuses above 178956970 whatever this says).",
    )
    media_max_video_seconds: int = setting(
        "LOA_MEDIA_MAX_VIDEO_SECONDS",
        1800,
        "Longest video (seconds) an upload may be.",
    )
    smtp_host: str = setting(
        "LOA_SMTP_HOST",
        "",
        "Mail server for the desk's notifications (a step waits, a delivery failed, an item "
        "expires, a comment is held). Unset: no e-mail, the desk's bell only.",
        shown="(unset)",
    )
    smtp_port: int = setting("LOA_SMTP_PORT", 587, "Its port (465 with `tls`, 587 `starttls`).")
    smtp_from: str = setting(
        "LOA_SMTP_FROM",
        "loa@localhost",
        "The notifications' sender address.",
        blank_default=True,
    )
    smtp_tls: str = setting(
        "LOA_SMTP_TLS",
        "starttls",
        "`starttls`, `tls` (implicit, port 465) or `none` (a relay on the same host only).",
        parse=_smtp_tls,
    )
    smtp_username: str = setting(
        "LOA_SMTP_USERNAME", "", "Account on the mail server; unset: no login.", shown="(unset)"
    )
    smtp_password: Secret | None = setting(
        "LOA_SMTP_PASSWORD",
        None,
        "Its password; never logged.",
        parse=Secret,
        blank_default=True,
    )
    extra: Mapping[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        """The generated repr, with the password of any URL masked: settings end up in logs."""
        shown = (f"{f.name}={_masked(getattr(self, f.name))!r}" for f in fields(self))
        return f"Settings({', '.join(shown)})"

    @property
    def embedded_redis(self) -> bool:
        return self.redis_url is None

    @property
    def is_prod(self) -> bool:
        return self.env == "prod"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def allowed_hosts(self) -> tuple[str, ...]:
        """Host headers Loa answers: those given, or its public host (and, in dev, loopback)."""
        if self.trusted_hosts:
            return self.trusted_hosts
        own = urlsplit(self.base_url).hostname or "localhost"
        return (own,) if self.is_prod else (own, "localhost", "127.0.0.1")


_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@/\s]+@")


def _masked(value: object) -> object:
    """A URL's password (``redis://loa:PASSWORD@host``) as ``***``; anything else as it is."""
    return _URL_PASSWORD.sub(r"\1***@", value) if isinstance(value, str) else value


#: Every variable Loa reads, with its default (as shown) and meaning, from the declarations.
VARIABLES: dict[str, tuple[str, str]] = {
    f.metadata["env"]: (f.metadata["shown"], f.metadata["doc"])
    for f in fields(Settings)
    if "env" in f.metadata
}


def markdown_table() -> str:
    """The README's settings table (``loa settings --markdown``; a test compares them)."""
    rows = [f"| `{env}` | {shown} | {doc} |" for env, (shown, doc) in VARIABLES.items()]
    return "\n".join(["| variable | default | what it does |", "|---|---|---|", *rows]) + "\n"


def _dev_key(var_dir: Path) -> Secret:
    """Create (once) a development key file readable by its owner only."""
    path = var_dir / "secret.key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        import base64

        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return Secret(path.read_text().strip())


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``environ`` (the process environment by default)."""
    env_map = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if "env" not in f.metadata:
            continue
        raw = env_map.get(f.metadata["env"])
        if raw is None or (raw == "" and f.metadata["blank_default"]):
            values[f.name] = f.default
        else:
            values[f.name] = f.metadata["parse"](raw)
    if not env_map.get("LOA_DATABASE_URL"):
        values["database_url"] = f"sqlite:///{values['var_dir']}/loa.db"
    if values["env"] == "prod":
        problems = []
        if values["database_url"].startswith("sqlite"):
            problems.append("LOA_DATABASE_URL must name PostgreSQL, not the embedded SQLite file")
        if values["redis_url"] is None:
            problems.append("LOA_REDIS_URL must name a Redis server, not the embedded fakeredis")
        if not values["secret_keys"]:
            problems.append("LOA_SECRET_KEYS must hold at least one key")
        if problems:
            raise SettingsError("Refusing to start in production: " + "; ".join(problems) + ".")
    elif not values["secret_keys"]:
        values["secret_keys"] = (_dev_key(values["var_dir"]),)
    _check_media_store(values)
    return Settings(**values)


def _check_media_store(values: Mapping[str, Any]) -> None:
    """The ``media_store`` and ``s3_*`` settings, refused whole when they cannot work."""
    store = values["media_store"]
    if store not in ("file", "s3"):
        raise SettingsError(f"LOA_MEDIA_STORE must be 'file' or 's3', not {store!r}")
    if (url := values["s3_endpoint_url"]) and not _is_http_url(url):
        raise SettingsError(f"LOA_S3_ENDPOINT_URL must be an http(s) URL, not {_masked(url)!r}")
    if store == "s3" and not values["s3_bucket"]:
        raise SettingsError("LOA_MEDIA_STORE=s3 needs LOA_S3_BUCKET")
    if (values["s3_access_key_id"] is None) != (values["s3_secret_access_key"] is None):
        raise SettingsError("LOA_S3_ACCESS_KEY_ID and LOA_S3_SECRET_ACCESS_KEY go together")


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)
