"""The audit chain: intact after real actions, broken by any edit of a row."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import text

from core import audit
from core.cli import main
from tests.support.pipeline import new_article


def cli_env(ctx) -> dict[str, str]:
    return {
        "LOA_DATABASE_URL": ctx.settings.database_url,
        "LOA_SECRET_KEYS": ctx.settings.secret_keys[0].reveal(),
        "LOA_VAR_DIR": str(ctx.settings.var_dir),
        **({"LOA_REDIS_URL": ctx.settings.redis_url} if ctx.settings.redis_url else {}),
    }


def test_chain_of_real_actions_verifies(ctx, tree) -> None:
    for _ in range(3):
        new_article(ctx)
    with ctx.sessions() as session:
        report = audit.verify(session)
    assert report.ok and report.checked == 3
    result = CliRunner().invoke(main, ["audit", "verify"], env=cli_env(ctx))
    assert result.exit_code == 0, result.output
    assert "intact (3 entries" in result.output


def test_altered_row_is_found_by_loa_audit_verify(ctx, tree) -> None:
    for _ in range(3):
        new_article(ctx)
    with ctx.engine.begin() as conn:
        second = conn.execute(
            text("SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 1")
        ).scalar()
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE id = :id"), {"id": second})
    result = CliRunner().invoke(main, ["audit", "verify"], env=cli_env(ctx))
    assert result.exit_code == 1
    assert f"broken at entry {second}" in result.output


def test_deleted_row_breaks_the_chain(ctx, tree) -> None:
    for _ in range(3):
        new_article(ctx)
    with ctx.engine.begin() as conn:
        first = conn.execute(text("SELECT min(id) FROM audit_log")).scalar()
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": first})
    with ctx.sessions() as session:
        report = audit.verify(session)
    assert not report.ok and report.first_bad_id == first + 1


def test_an_entry_about_a_row_names_its_kind_id_and_actor(ctx, tree) -> None:
    from core.auth.permissions import SYSTEM
    from core.content.models import Article
    from core.targets.models import ChannelTarget

    article = new_article(ctx)
    with ctx.transaction() as session:
        row = session.get(Article, article.id)
        by_actor = audit.about(session, SYSTEM, "article.note", row, data={"why": "kiểm tra"})
        by_system = audit.about(session, "system", "article.note", row, unit_path="/1/")
        assert (by_actor.subject_type, by_actor.subject_id) == ("article", str(article.id))
        assert by_actor.actor == SYSTEM.name and by_actor.data == {"why": "kiểm tra"}
        assert (by_system.actor, by_system.unit_path) == ("system", "/1/")
    assert ChannelTarget.audit_subject == "channel_target"
    with ctx.sessions() as session:
        assert audit.verify(session).ok  # the chain holds them like any other entry
