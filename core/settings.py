"""Settings of one Loa process, read from the environment in one place.

Nothing else in Loa reads ``os.environ``: the composition root calls
:func:`load_settings` once and passes the frozen result down.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
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


@dataclass(frozen=True)
class Settings:
    """Everything a Loa process needs to know about where it runs.

    ``redis_url`` of ``None`` means the embedded default: fakeredis and an
    in-process worker, good for a demo or a laptop, refused in production.
    """

    env: str = "dev"
    database_url: str = "sqlite:///var/loa.db"
    redis_url: str | None = None
    secret_keys: tuple[Secret, ...] = ()
    base_url: str = "http://127.0.0.1:8000"
    var_dir: Path = Path("var")
    worker_concurrency: int = 8
    web_workers: int = 1  # processes of `loa serve` (uvicorn workers)
    queue_name: str = "loa-delivery"
    http_timeout: float = 10.0
    job_timeout: int = 60
    max_attempts: int = 8
    sweep_interval: float = 15.0
    interactions_interval: float = 300.0
    log_level: str = "INFO"
    session_idle: int = 1800
    session_lifetime: int = 43200
    login_max_failures: int = 5
    login_max_failures_per_address: int = 50
    login_lockout: int = 900
    inactive_days: int = 45
    audit_retention_days: int = 365
    enrol_link_hours: int = 72
    api_token_max_days: int = 365
    graphql_max_depth: int = 10
    graphql_max_tokens: int = 2000
    #: Private networks channel calls may reach; every other non-public address is refused.
    outbound_allow_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    #: Where signed audit-chain heads are appended (None: only logged); see core/audit_anchor.
    audit_anchor_file: Path | None = None
    # The HTTP edge: bodies, query cost, per-client rate, trusted Host headers.
    max_body_bytes: int = 1_048_576
    graphql_max_query_length: int = 32_768
    graphql_max_aliases: int = 20
    graphql_max_fields: int = 300
    graphql_max_cost: int = 5000
    graphql_rate_limit: int = 600
    #: Empty: the host of ``base_url``, plus localhost outside production (:attr:`allowed_hosts`).
    trusted_hosts: tuple[str, ...] = ()
    #: Origins whose pages may read the public endpoints (core.edge.cors); ``*``: any.
    cors_origins: tuple[str, ...] = ()
    # Media (core.media): the largest upload of each kind, and how long unused uploads stay.
    media_max_image_bytes: int = 25_000_000
    media_max_video_bytes: int = 1_000_000_000
    media_max_document_bytes: int = 50_000_000
    media_unused_days: int = 7
    # Media storage (core/media/storage): ``file`` under var_dir/media, or an S3-compatible bucket.
    media_store: str = "file"
    s3_endpoint_url: str | None = None
    s3_bucket: str = ""
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: Secret | None = None
    # Media checked by content (core/media/inspect): the bounds of what is decoded.
    media_max_pixels: int = 50_000_000
    media_max_video_seconds: int = 1800
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


#: Every variable Loa reads, with its default and meaning; the README's table is built from it.
VARIABLES: dict[str, tuple[str, str]] = {
    "LOA_ENV": ("dev", "`dev` or `prod`. Prod refuses embedded SQLite/fakeredis and missing keys."),
    "LOA_DATABASE_URL": ("sqlite:///var/loa.db", "SQLAlchemy URL; PostgreSQL in production."),
    "LOA_REDIS_URL": (
        "(unset)",
        "Redis for the rq queue. Unset: fakeredis and an in-process worker.",
    ),
    "LOA_SECRET_KEYS": (
        "(dev: generated in var/secret.key)",
        "Comma-separated base64 keys (32 bytes). The first encrypts, all decrypt.",
    ),
    "LOA_BASE_URL": ("http://127.0.0.1:8000", "Public URL used in feeds, sitemaps and links."),
    "LOA_VAR_DIR": ("var", "Directory for the SQLite file and the dev key file."),
    "LOA_WEB_WORKERS": (
        "1",
        "Processes of `loa serve` (uvicorn workers on uvloop + httptools); `--workers N` "
        "overrides. More than one needs `LOA_REDIS_URL`; `loa demo` is always one.",
    ),
    "LOA_WORKER_CONCURRENCY": ("8", "Deliveries each `loa worker` keeps in flight (processes)."),
    "LOA_QUEUE": ("loa-delivery", "Name of the rq queue the delivery workers listen on."),
    "LOA_HTTP_TIMEOUT": ("10", "Seconds before a channel call is abandoned (outcome unknown)."),
    "LOA_JOB_TIMEOUT": (
        "60",
        "Seconds an rq delivery job may run; keep well above the HTTP timeout.",
    ),
    "LOA_MAX_ATTEMPTS": ("8", "Attempts before a failing delivery is marked for attention."),
    "LOA_SWEEP_INTERVAL": ("15", "Seconds between sweeps that re-enqueue due deliveries."),
    "LOA_INTERACTIONS_INTERVAL": (
        "300",
        "Seconds between reads of citizens' comments on each channel holding live items.",
    ),
    "LOA_LOG_LEVEL": ("INFO", "Python logging level."),
    "LOA_SESSION_IDLE": ("1800", "Seconds of inactivity after which an admin session ends."),
    "LOA_SESSION_LIFETIME": ("43200", "Seconds after sign-in after which a session ends anyway."),
    "LOA_LOGIN_MAX_FAILURES": (
        "5",
        "Failed sign-ins (password or code) for one account from one address before that "
        "address is locked out of it; from twice as many from all addresses, unknown "
        "addresses wait a doubling delay.",
    ),
    "LOA_LOGIN_MAX_FAILURES_PER_ADDRESS": (
        "50",
        "Failed sign-ins per client address before that address is locked for a while.",
    ),
    "LOA_LOGIN_LOCKOUT": ("900", "Seconds a lock lasts (and the window failures are counted in)."),
    "LOA_INACTIVE_DAYS": ("45", "Accounts without a sign-in for this many days are disabled."),
    "LOA_AUDIT_RETENTION_DAYS": ("365", "Audit entries older than this are pruned (checkpointed)."),
    "LOA_ENROL_LINK_HOURS": ("72", "Hours a one-time enrolment link stays valid."),
    "LOA_API_TOKEN_MAX_DAYS": ("365", "Longest lifetime an API token may be given."),
    "LOA_GRAPHQL_MAX_DEPTH": ("10", "Deepest query the public GraphQL accepts."),
    "LOA_GRAPHQL_MAX_TOKENS": ("2000", "Most tokens a GraphQL document may have."),
    "LOA_OUTBOUND_ALLOW_NETWORKS": (
        "(empty)",
        "Comma-separated CIDRs of private networks channel calls may reach (e.g. a portal "
        "on the provincial LAN). Loopback, private, link-local, multicast and unspecified "
        "addresses are refused otherwise.",
    ),
    "LOA_AUDIT_ANCHOR_FILE": (
        "(unset)",
        "File the daily signed audit-chain anchor is appended to; keep it off the database host.",
    ),
    "LOA_MAX_BODY_BYTES": (
        "1048576",
        "Largest request body any endpoint reads; a larger one is refused (413) unread.",
    ),
    "LOA_GRAPHQL_MAX_QUERY_LENGTH": (
        "32768",
        "Longest GraphQL document (characters, comments included) either endpoint parses.",
    ),
    "LOA_GRAPHQL_MAX_ALIASES": ("20", "Most aliases a public GraphQL document may use."),
    "LOA_GRAPHQL_MAX_FIELDS": (
        "300",
        "Most field selections a public GraphQL document may make (fragments expanded).",
    ),
    "LOA_GRAPHQL_MAX_COST": (
        "5000",
        "Most objects a public query may ask for: each field weighs the list sizes above it.",
    ),
    "LOA_GRAPHQL_RATE_LIMIT": (
        "600",
        "Requests per minute one client address may make to the public `/graphql`.",
    ),
    "LOA_TRUSTED_HOSTS": (
        "(host of LOA_BASE_URL; dev adds localhost)",
        "Comma-separated Host header values Loa answers; any other gets a 400.",
    ),
    "LOA_MEDIA_MAX_IMAGE_BYTES": ("25000000", "Largest image upload (bytes), refused while read."),
    "LOA_MEDIA_MAX_VIDEO_BYTES": ("1000000000", "Largest video upload (bytes), chunked or not."),
    "LOA_MEDIA_MAX_DOCUMENT_BYTES": ("50000000", "Largest document (PDF) upload (bytes)."),
    "LOA_MEDIA_UNUSED_DAYS": (
        "7",
        "Days an upload no article or album uses is kept before the daily cleanup removes it.",
    ),
    "LOA_MEDIA_STORE": (
        "file",
        "Where media bytes are kept: `file` (under `LOA_VAR_DIR/media`, one machine) or `s3` "
        "(an S3-compatible bucket every web process and worker shares).",
    ),
    "LOA_S3_ENDPOINT_URL": (
        "(unset: AWS)",
        "URL of the S3-compatible service (MinIO, Ceph RADOS Gateway, a government cloud).",
    ),
    "LOA_S3_BUCKET": ("(unset)", "Bucket media objects are kept in; required with `s3`."),
    "LOA_S3_REGION": ("us-east-1", "Region the requests are signed for (MinIO: `us-east-1`)."),
    "LOA_S3_ACCESS_KEY_ID": (
        "(unset: boto3's own chain)",
        "Access key of the bucket's account; set with the secret below, or neither.",
    ),
    "LOA_S3_SECRET_ACCESS_KEY": ("(unset)", "Its secret key; never logged."),
    "LOA_MEDIA_MAX_PIXELS": (
        "50000000",
        "Most pixels (width × height) an uploaded picture may have; checked before decoding "
        "(Pillow refuses above 178956970 whatever this says).",
    ),
    "LOA_MEDIA_MAX_VIDEO_SECONDS": ("1800", "Longest video (seconds) an upload may be."),
}


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


def _web_workers(raw: str) -> int:
    """``LOA_WEB_WORKERS``: at least one process, or `loa serve` would serve nothing."""
    try:
        workers = int(raw)
    except ValueError:
        raise SettingsError(f"LOA_WEB_WORKERS must be a whole number, not {raw!r}") from None
    if workers < 1:
        raise SettingsError(f"LOA_WEB_WORKERS must be at least 1, not {workers}")
    return workers


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from ``environ`` (the process environment by default)."""
    env_map = os.environ if environ is None else environ
    env = env_map.get("LOA_ENV", "dev")
    if env not in ("dev", "prod"):
        raise SettingsError(f"LOA_ENV must be 'dev' or 'prod', not {env!r}")
    var_dir = Path(env_map.get("LOA_VAR_DIR", "var"))
    database_url = env_map.get("LOA_DATABASE_URL") or f"sqlite:///{var_dir}/loa.db"
    redis_url = env_map.get("LOA_REDIS_URL") or None
    keys = tuple(
        Secret(k.strip()) for k in env_map.get("LOA_SECRET_KEYS", "").split(",") if k.strip()
    )
    if env == "prod":
        problems = []
        if database_url.startswith("sqlite"):
            problems.append("LOA_DATABASE_URL must name PostgreSQL, not the embedded SQLite file")
        if redis_url is None:
            problems.append("LOA_REDIS_URL must name a Redis server, not the embedded fakeredis")
        if not keys:
            problems.append("LOA_SECRET_KEYS must hold at least one key")
        if problems:
            raise SettingsError("Refusing to start in production: " + "; ".join(problems) + ".")
    elif not keys:
        keys = (_dev_key(var_dir),)
    return Settings(
        env=env,
        database_url=database_url,
        redis_url=redis_url,
        secret_keys=keys,
        base_url=env_map.get("LOA_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        var_dir=var_dir,
        worker_concurrency=int(env_map.get("LOA_WORKER_CONCURRENCY", "8")),
        web_workers=_web_workers(env_map.get("LOA_WEB_WORKERS", "1")),
        queue_name=env_map.get("LOA_QUEUE", "loa-delivery"),
        http_timeout=float(env_map.get("LOA_HTTP_TIMEOUT", "10")),
        job_timeout=int(env_map.get("LOA_JOB_TIMEOUT", "60")),
        max_attempts=int(env_map.get("LOA_MAX_ATTEMPTS", "8")),
        sweep_interval=float(env_map.get("LOA_SWEEP_INTERVAL", "15")),
        interactions_interval=float(env_map.get("LOA_INTERACTIONS_INTERVAL", "300")),
        log_level=env_map.get("LOA_LOG_LEVEL", "INFO"),
        session_idle=int(env_map.get("LOA_SESSION_IDLE", "1800")),
        session_lifetime=int(env_map.get("LOA_SESSION_LIFETIME", "43200")),
        login_max_failures=int(env_map.get("LOA_LOGIN_MAX_FAILURES", "5")),
        login_max_failures_per_address=int(env_map.get("LOA_LOGIN_MAX_FAILURES_PER_ADDRESS", "50")),
        login_lockout=int(env_map.get("LOA_LOGIN_LOCKOUT", "900")),
        inactive_days=int(env_map.get("LOA_INACTIVE_DAYS", "45")),
        audit_retention_days=int(env_map.get("LOA_AUDIT_RETENTION_DAYS", "365")),
        enrol_link_hours=int(env_map.get("LOA_ENROL_LINK_HOURS", "72")),
        api_token_max_days=int(env_map.get("LOA_API_TOKEN_MAX_DAYS", "365")),
        graphql_max_depth=int(env_map.get("LOA_GRAPHQL_MAX_DEPTH", "10")),
        graphql_max_tokens=int(env_map.get("LOA_GRAPHQL_MAX_TOKENS", "2000")),
        outbound_allow_networks=_networks(env_map.get("LOA_OUTBOUND_ALLOW_NETWORKS", "")),
        audit_anchor_file=Path(p) if (p := env_map.get("LOA_AUDIT_ANCHOR_FILE")) else None,
        max_body_bytes=int(env_map.get("LOA_MAX_BODY_BYTES", "1048576")),
        graphql_max_query_length=int(env_map.get("LOA_GRAPHQL_MAX_QUERY_LENGTH", "32768")),
        graphql_max_aliases=int(env_map.get("LOA_GRAPHQL_MAX_ALIASES", "20")),
        graphql_max_fields=int(env_map.get("LOA_GRAPHQL_MAX_FIELDS", "300")),
        graphql_max_cost=int(env_map.get("LOA_GRAPHQL_MAX_COST", "5000")),
        graphql_rate_limit=int(env_map.get("LOA_GRAPHQL_RATE_LIMIT", "600")),
        trusted_hosts=tuple(
            h.strip() for h in env_map.get("LOA_TRUSTED_HOSTS", "").split(",") if h.strip()
        ),
        cors_origins=_origins(env_map.get("LOA_CORS_ORIGINS", "")),
        media_max_image_bytes=int(env_map.get("LOA_MEDIA_MAX_IMAGE_BYTES", "25000000")),
        media_max_video_bytes=int(env_map.get("LOA_MEDIA_MAX_VIDEO_BYTES", "1000000000")),
        media_max_document_bytes=int(env_map.get("LOA_MEDIA_MAX_DOCUMENT_BYTES", "50000000")),
        media_unused_days=int(env_map.get("LOA_MEDIA_UNUSED_DAYS", "7")),
        **_media_store(env_map),
        media_max_pixels=int(env_map.get("LOA_MEDIA_MAX_PIXELS", "50000000")),
        media_max_video_seconds=int(env_map.get("LOA_MEDIA_MAX_VIDEO_SECONDS", "1800")),
    )


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


def _networks(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    from core.outbound.addresses import parse_networks

    try:
        return parse_networks(text)
    except ValueError as exc:
        raise SettingsError(f"LOA_OUTBOUND_ALLOW_NETWORKS: {exc}") from None


def _media_store(env_map: Mapping[str, str]) -> dict[str, Any]:
    """The ``media_store`` and ``s3_*`` settings, refused whole when they cannot work."""
    store = env_map.get("LOA_MEDIA_STORE", "file")
    secret = env_map.get("LOA_S3_SECRET_ACCESS_KEY") or None
    values: dict[str, Any] = {
        "media_store": store,
        "s3_endpoint_url": env_map.get("LOA_S3_ENDPOINT_URL") or None,
        "s3_bucket": env_map.get("LOA_S3_BUCKET", ""),
        "s3_region": env_map.get("LOA_S3_REGION") or "us-east-1",
        "s3_access_key_id": env_map.get("LOA_S3_ACCESS_KEY_ID") or None,
        "s3_secret_access_key": Secret(secret) if secret else None,
    }
    if store not in ("file", "s3"):
        raise SettingsError(f"LOA_MEDIA_STORE must be 'file' or 's3', not {store!r}")
    if (url := values["s3_endpoint_url"]) and not _is_http_url(url):
        raise SettingsError(f"LOA_S3_ENDPOINT_URL must be an http(s) URL, not {_masked(url)!r}")
    if store == "s3" and not values["s3_bucket"]:
        raise SettingsError("LOA_MEDIA_STORE=s3 needs LOA_S3_BUCKET")
    if (values["s3_access_key_id"] is None) != (secret is None):
        raise SettingsError("LOA_S3_ACCESS_KEY_ID and LOA_S3_SECRET_ACCESS_KEY go together")
    return values


def _is_http_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.hostname)
