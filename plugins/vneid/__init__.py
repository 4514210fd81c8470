"""The vneid channel plugin: planned, not built yet; it registers nothing."""
