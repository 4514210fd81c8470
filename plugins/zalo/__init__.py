"""The zalo channel plugin: planned, not built yet; it registers nothing."""
