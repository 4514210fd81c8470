"""Import every model module so the metadata is complete (migrations, tests)."""

from __future__ import annotations


def load_all() -> None:
    import core.actions.report_schedules
    import core.audit
    import core.auth.models
    import core.content.item_templates
    import core.content.models
    import core.delivery.models
    import core.delivery.tasks
    import core.govcontent.models
    import core.interactions.models
    import core.media.models
    import core.screening.models
    import core.targets.models
    import core.units.models
    import core.webhooks.models
    import core.workflow.models  # noqa: F401
