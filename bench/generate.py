"""A deterministic corpus: 10,000 published Vietnamese articles over 20 categories and 100 units.

Units are real (2025 scheme): Thanh Hóa and its first 99 communes, loaded through
``core.units.sync``. Articles are written with SQLAlchemy core ``insert()`` in
batches, not one action each: the benchmark measures reading, and an action per
row would take minutes. ``search_text`` is folded as the actions fold it.
Revisions are not written (nothing reads them on the public path).

Run: ``python -m bench.generate [--articles N] [--seed S] [--database-url URL]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, MetaData, func, insert, select, text

from bench.harness import PG_URL_VAR, log, settings_for, sqlite_url
from core.content.models import Article, Audience, Category, Status
from core.content.validation import plain_text
from core.db import make_engine, make_sessionmaker
from core.migrate import upgrade
from core.text import fold, slugify
from core.units.models import CURRENT_SCHEME, Unit
from core.units.sync import NATIONAL_CODE, Row, rows, sync

SEED = 20250701
ARTICLES = 10_000
PROVINCE = "38"  # Thanh Hóa
COMMUNES = 99
BATCH = 1_000
#: Newest publication date; articles spread over the two years before it.
ANCHOR = dt.datetime(2025, 12, 1, 8, 0, tzinfo=dt.UTC)
SPAN_SECONDS = 730 * 24 * 3600
#: Share of articles on the province itself and on the busiest commune (the rest spread evenly).
PROVINCE_SHARE = 0.10
HOT_COMMUNE_SHARE = 0.10

CATEGORIES = [
    ("thong-bao", "Thông báo"),
    ("tin-hoat-dong", "Tin hoạt động"),
    ("chinh-sach-phap-luat", "Chính sách - Pháp luật"),
    ("y-te", "Y tế"),
    ("giao-duc", "Giáo dục"),
    ("nong-nghiep", "Nông nghiệp"),
    ("giao-thong", "Giao thông"),
    ("dat-dai-xay-dung", "Đất đai - Xây dựng"),
    ("van-hoa-the-thao", "Văn hóa - Thể thao"),
    ("an-ninh-trat-tu", "An ninh trật tự"),
    ("quoc-phong", "Quốc phòng"),
    ("lao-dong-viec-lam", "Lao động - Việc làm"),
    ("an-sinh-xa-hoi", "An sinh xã hội"),
    ("moi-truong", "Tài nguyên - Môi trường"),
    ("chuyen-doi-so", "Chuyển đổi số"),
    ("thu-tuc-hanh-chinh", "Thủ tục hành chính"),
    ("kinh-te", "Kinh tế"),
    ("phong-chong-thien-tai", "Phòng chống thiên tai"),
    ("cong-khai-ngan-sach", "Công khai ngân sách"),
    ("lich-cong-tac", "Lịch công tác"),
]

ACTIONS = [
    "Thông báo", "Kế hoạch", "Hướng dẫn", "Triển khai", "Tổ chức", "Tăng cường", "Đẩy mạnh",
    "Tuyên truyền về", "Kết quả", "Công khai", "Lấy ý kiến nhân dân về", "Phát động",
    "Sơ kết", "Tổng kết", "Kiểm tra",
]  # fmt: skip
TOPICS = [
    "tiêm chủng mở rộng", "phòng chống sốt xuất huyết", "cấp căn cước công dân",
    "chuyển đổi số cấp xã", "xây dựng nông thôn mới", "phòng cháy chữa cháy",
    "an toàn giao thông", "bầu cử đại biểu Hội đồng nhân dân", "thu thuế đất phi nông nghiệp",
    "hỗ trợ hộ nghèo, hộ cận nghèo", "tuyển sinh lớp 1", "phòng chống lụt bão",
    "vệ sinh an toàn thực phẩm", "đăng ký nghĩa vụ quân sự", "cải cách thủ tục hành chính",
    "dịch vụ công trực tuyến", "bảo hiểm y tế học sinh", "bảo hiểm xã hội tự nguyện",
    "chi trả trợ cấp xã hội", "cấp giấy chứng nhận quyền sử dụng đất", "quy hoạch sử dụng đất",
    "thu gom rác thải sinh hoạt", "phòng chống ma túy", "khám sức khỏe người cao tuổi",
    "hiến máu tình nguyện", "ngày hội đại đoàn kết toàn dân tộc", "lễ hội truyền thống",
    "giải bóng đá thanh niên", "tập huấn kỹ thuật trồng lúa", "tiêm phòng cho đàn gia súc",
    "lịch cắt điện", "cấp nước sạch", "sửa chữa đường liên thôn", "sáp nhập thôn, tổ dân phố",
    "tiếp công dân định kỳ", "phổ biến giáo dục pháp luật", "phòng chống lừa đảo qua mạng",
    "định danh điện tử VNeID", "thanh toán không dùng tiền mặt", "Tết trồng cây",
]  # fmt: skip
WHEN = [
    "năm 2025", "quý III năm 2025", "tháng 12", "đợt 2", "6 tháng đầu năm", "mùa mưa bão",
    "dịp Tết Nguyên đán", "năm học 2025 - 2026", "", "",
]  # fmt: skip
SENTENCES = [
    "Ủy ban nhân dân {unit} đề nghị các thôn, tổ dân phố phổ biến rộng rãi nội dung này.",
    "Người dân có nhu cầu vui lòng liên hệ bộ phận một cửa trong giờ hành chính.",
    "Thời gian thực hiện từ ngày {d1} đến hết ngày {d2}.",
    "Công an {unit} phối hợp với các đoàn thể bảo đảm an ninh trật tự trong thời gian diễn ra.",
    "Kinh phí thực hiện được bố trí từ ngân sách địa phương và nguồn xã hội hóa.",
    "Các hộ gia đình cần mang theo căn cước công dân và sổ hộ khẩu (nếu có).",
    "Trạm y tế {unit} trực 24/24 giờ để tiếp nhận và xử lý các trường hợp cần thiết.",
    "Mọi thắc mắc xin gửi về hộp thư góp ý của Ủy ban hoặc qua ứng dụng VNeID.",
    "Đến nay đã có {n} hộ gia đình đăng ký tham gia, đạt {p}% kế hoạch đề ra.",
    "Ban chỉ đạo sẽ kiểm tra, đôn đốc và báo cáo kết quả về Ủy ban nhân dân tỉnh.",
    "Đề nghị cán bộ, công chức và nhân dân nghiêm túc thực hiện.",
    "Hội Liên hiệp Phụ nữ và Đoàn Thanh niên chịu trách nhiệm vận động hội viên tham gia.",
    "Các trường hợp vi phạm sẽ bị xử lý theo quy định của pháp luật hiện hành.",
    "Thông tin chi tiết được niêm yết công khai tại trụ sở Ủy ban và nhà văn hóa các thôn.",
]  # fmt: skip


@dataclass(frozen=True)
class Corpus:
    """What the read benchmark needs to know about the generated data."""

    province: str
    hot_commune: str
    communes: list[str]
    categories: list[str]
    slugs: list[str]


def unit_rows() -> list[Row]:
    """Việt Nam, Thanh Hóa and its first 99 communes (2025 scheme), real codes and names."""
    picked = [Row(CURRENT_SCHEME, NATIONAL_CODE, "national", "", "Việt Nam", "Việt Nam", None)]
    communes: list[Row] = []
    for row in rows():
        if row.scheme != CURRENT_SCHEME:
            continue
        if row.level == "province" and row.code == PROVINCE:
            picked.append(row)
        elif row.level == "commune" and row.parent_code == PROVINCE and len(communes) < COMMUNES:
            communes.append(row)
    return picked + communes


def _date(rng: random.Random) -> str:
    day = ANCHOR - dt.timedelta(days=rng.randrange(60))
    return day.astimezone(dt.timezone(dt.timedelta(hours=7))).strftime("%d/%m/%Y")


def _sentence(rng: random.Random, unit: str) -> str:
    return rng.choice(SENTENCES).format(
        unit=unit, d1=_date(rng), d2=_date(rng), n=rng.randrange(20, 900), p=rng.randrange(40, 100)
    )


def _body(rng: random.Random, title: str, unit: str) -> str:
    paragraphs = [
        f"<p>Thực hiện chỉ đạo của cấp trên, {unit} thông tin về việc {title.lower()}.</p>"
    ]
    for _ in range(rng.randrange(3, 7)):
        paragraphs.append(
            "<p>" + " ".join(_sentence(rng, unit) for _ in range(rng.randrange(2, 5))) + "</p>"
        )
    if rng.random() < 0.3:
        items = "".join(f"<li>{_sentence(rng, unit)}</li>" for _ in range(3))
        paragraphs.append(f"<ul>{items}</ul>")
    return "".join(paragraphs)


def articles(
    rng: random.Random, n: int, units: list[tuple[int, str]], categories: list[int]
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(article, audience)`` rows; ``units`` is ``[(id, name)]``, province first, hot second."""
    province, hot, rest = units[0], units[1], units[2:]
    for i in range(1, n + 1):
        draw = rng.random()
        if draw < PROVINCE_SHARE:
            unit_id, unit_name = province
        elif draw < PROVINCE_SHARE + HOT_COMMUNE_SHARE:
            unit_id, unit_name = hot
        else:
            unit_id, unit_name = rng.choice(rest)
        when = rng.choice(WHEN)
        title = f"{rng.choice(ACTIONS)} {rng.choice(TOPICS)} {when}".strip()
        summary = f"{title} trên địa bàn {unit_name}. {_sentence(rng, unit_name)}"
        body = _body(rng, title, unit_name)
        published = ANCHOR - dt.timedelta(seconds=rng.randrange(SPAN_SECONDS))
        slug = f"{slugify(title, 100)}-{i}"
        yield (
            {
                "id": i,
                "uid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "slug": slug,
                "title": title,
                "summary": summary,
                "body_html": body,
                "cover_url": f"https://example.org/anh/{i}.jpg" if rng.random() < 0.6 else "",
                "cover_caption": "",
                "source": "",
                "author_name": "Ban biên tập",
                "agency_id": None,
                "category_id": rng.choice(categories),
                "unit_id": unit_id,
                "status": Status.PUBLISHED.value,
                "search_text": fold(" ".join((title, summary, plain_text(body)))),
                "revision": 1,
                "content_hash": hashlib.sha256(f"{slug}\n{title}\n{body}".encode()).hexdigest(),
                "created_at": published,
                "updated_at": published,
                "published_at": published,
            },
            {
                "article_id": i,
                "age_min": None,
                "age_max": None,
                "genders": [],
                "scope_level": "commune",
                "scope_units": [],
                "visible_from": None,
                "visible_until": None,
                "interactions_allowed": True,
            },
        )


def reset(engine: Engine) -> None:
    """Drop every table (PostgreSQL: the bench database is scratch); SQLite files are removed."""
    meta = MetaData()
    meta.reflect(engine)
    meta.drop_all(engine)


def create_schema(database_url: str) -> Engine:
    """A fresh schema made by the Alembic migrations, as ``loa db upgrade`` makes it."""
    engine = make_engine(database_url)
    if engine.dialect.name != "sqlite":
        reset(engine)
    upgrade(settings_for(database_url))
    return engine


def generate(database_url: str, n: int = ARTICLES, seed: int = SEED) -> Corpus:
    """Fill a fresh database; returns what the read benchmark queries."""
    started = time.perf_counter()
    engine = create_schema(database_url)
    sessions = make_sessionmaker(engine)
    tree = unit_rows()
    with sessions() as session, session.begin():
        sync(session, iter(tree))
        session.execute(insert(Category), [{"slug": s, "name": nm} for s, nm in CATEGORIES])
    with sessions() as session:
        by_code = {
            u.code: (u.id, u.name)
            for u in session.scalars(select(Unit).where(Unit.scheme == CURRENT_SCHEME))
        }
        category_ids = list(session.scalars(select(Category.id).order_by(Category.id)))
    communes = [r.code for r in tree if r.level == "commune"]
    units = [by_code[PROVINCE]] + [by_code[c] for c in communes]
    rng = random.Random(seed)
    slugs: list[str] = []
    article_rows: list[dict[str, Any]] = []
    audience_rows: list[dict[str, Any]] = []

    def flush() -> None:
        with engine.begin() as conn:
            conn.execute(insert(Article), article_rows)
            conn.execute(insert(Audience), audience_rows)
        article_rows.clear()
        audience_rows.clear()

    for article, audience in articles(rng, n, units, category_ids):
        article_rows.append(article)
        audience_rows.append(audience)
        slugs.append(article["slug"])
        if len(article_rows) >= BATCH:
            flush()
    if article_rows:
        flush()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('articles', 'id'), :n)"), {"n": n}
            )
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(Article))
    engine.dispose()
    log(f"generated {count} articles in {time.perf_counter() - started:.1f}s → {database_url}")
    return corpus_of(database_url)


#: PostgreSQL only: above this many articles, the first ARTICLES are written as above and the
#: rest copied from them inside the database (``INSERT … SELECT`` over ``generate_series``).
BULK_ABOVE = 100_000
#: Articles copied per statement (one transaction each: progress in the log, bounded WAL).
BULK_STEP = 50_000


def bulk_generate(database_url: str, n: int, seed: int = SEED) -> Corpus:
    """``n`` articles quickly (PostgreSQL): ARTICLES made in Python, the rest copied in SQL.

    A copy keeps its source's unit, category and texts (so the units' and categories' shares
    stay those of :func:`articles`), with a new id, uid and slug and a publication time drawn
    again over the same two years: the listing and slug indexes see a real archive of ``n``.
    A million takes minutes, most of it index maintenance.
    """
    base = min(n, ARTICLES)
    generate(database_url, base, seed)
    engine = make_engine(database_url)
    if engine.dialect.name != "postgresql":
        raise SystemExit("the bulk path is for PostgreSQL (LOA_BENCH_DATABASE_URL)")
    started = time.perf_counter()
    copied = [c.name for c in Article.__table__.columns]
    fresh = {
        "id": "s.i",
        "uid": "md5(:seed || '-' || s.i)::uuid::text",
        "slug": "left(a.slug, 140) || '-' || s.i",
        "published_at": ":anchor - make_interval(secs => random() * :span)",
        "created_at": ":anchor - make_interval(secs => random() * :span)",
        "updated_at": ":anchor",
    }
    select_list = ", ".join(fresh.get(c, f"a.{c}") for c in copied)
    articles_sql = text(
        f"INSERT INTO articles ({', '.join(copied)}) SELECT {select_list} "
        f"FROM generate_series(:lo, :hi) AS s(i) JOIN articles a ON a.id = 1 + (s.i - 1) % {base}"
    )
    audience_cols = [c.name for c in Audience.__table__.columns]
    audiences_sql = text(
        f"INSERT INTO audiences ({', '.join(audience_cols)}) SELECT "
        + ", ".join("s.i" if c == "article_id" else f"x.{c}" for c in audience_cols)
        + f" FROM generate_series(:lo, :hi) AS s(i) JOIN audiences x "
        f"ON x.article_id = 1 + (s.i - 1) % {base}"
    )
    params = {"seed": str(seed), "anchor": ANCHOR, "span": SPAN_SECONDS}
    with engine.connect() as conn:
        for lo in range(base + 1, n + 1, BULK_STEP):
            hi = min(n, lo + BULK_STEP - 1)
            with conn.begin():
                conn.execute(text("SELECT setseed(:s)"), {"s": lo / (n + 1)})  # repeatable
                conn.execute(articles_sql, {**params, "lo": lo, "hi": hi})
                conn.execute(audiences_sql, {"lo": lo, "hi": hi})
            log(f"bulk: {hi:,} articles ({time.perf_counter() - started:.0f}s)")
        with conn.begin():
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('articles', 'id'), :n)"), {"n": n}
            )
            conn.execute(text("ANALYZE articles"))  # fresh statistics: plans depend on them
            conn.execute(text("ANALYZE audiences"))
    engine.dispose()
    log(f"bulk: {n:,} articles in {time.perf_counter() - started:.1f}s → {database_url}")
    return corpus_of(database_url)


def corpus_of(database_url: str) -> Corpus:
    """What a generated database holds: the busiest commune, categories and every slug."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            hot = conn.execute(
                select(Unit.code)
                .join(Article, Article.unit_id == Unit.id)
                .where(Unit.level == "commune")
                .group_by(Unit.code)
                .order_by(func.count().desc(), Unit.code)
                .limit(1)
            ).scalar_one()
            communes = list(
                conn.scalars(select(Unit.code).where(Unit.level == "commune").order_by(Unit.id))
            )
            categories = list(conn.scalars(select(Category.slug).order_by(Category.id)))
            slugs = list(conn.scalars(select(Article.slug).order_by(Article.id)))
    finally:
        engine.dispose()
    return Corpus(PROVINCE, hot, communes, categories, slugs)


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=ARTICLES)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--database-url", default=None, help="default: bench/out/read.db")
    args = parser.parse_args()
    urls = [args.database_url] if args.database_url else [sqlite_url("read", fresh=True)]
    if not args.database_url and os.environ.get(PG_URL_VAR):
        urls.append(os.environ[PG_URL_VAR])
    for url in urls:
        if args.articles > BULK_ABOVE and url.startswith("postgresql"):
            bulk_generate(url, args.articles, args.seed)
        else:
            generate(url, args.articles, args.seed)


if __name__ == "__main__":
    main()
