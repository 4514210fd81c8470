from collections import Counter

from sqlalchemy import func, select

from core.units.models import Unit
from core.units.sync import rows, sync


def test_reform_counts_from_the_data_package() -> None:
    counts = Counter((r.scheme, r.level) for r in rows())
    assert counts[("2025", "province")] == 34
    assert counts[("2025", "commune")] == 3321
    assert counts[("legacy", "province")] == 63
    assert counts[("legacy", "district")] > 690


def test_tree_paths_cover_descendants(tree) -> None:
    province, commune, other = tree["38"], tree["14932"], tree["00004"]
    assert commune.path.startswith(province.path)
    assert not other.path.startswith(province.path)
    assert tree["VN"].path == f"/{tree['VN'].id}/"


def test_full_sync_is_idempotent(ctx) -> None:
    with ctx.transaction() as session:
        first = sync(session)
    with ctx.transaction() as session:
        second = sync(session)
    assert first == second
    with ctx.sessions() as session:
        total = session.scalar(select(func.count()).select_from(Unit))
        provinces = session.scalar(
            select(func.count()).where(Unit.scheme == "2025", Unit.level == "province")
        )
    assert total == sum(first.values())
    assert provinces == 34
