"""Government content types a portal renders (issue 18): legal documents, banners, schedules,
the directory, the unit's profile and official channels, menus and campaign sections.

Each type is a row of one unit with a publication state (draft → published → withdrawn, or
expired when its window closes). Editors save drafts, the editorial board publishes (S4.1),
every change is audited, and the public API shows only what is published and in its window.
The generic steps live in :mod:`core.govcontent.editing`; each type says what its fields are.
"""
