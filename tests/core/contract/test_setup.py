"""Every built-in channel declares its settings form, and each form is one a page can render:
unique keys, an enum's default among its choices, no default for a secret, and every
setting its validation requires is a required field."""

from __future__ import annotations

import pytest

from core.contract.setup import Configurable, FieldType
from core.plugins import channels, make_plugin_manager

BUILT_IN = ("portal", "facebook", "zalo", "youtube", "vneid")


def _channels() -> dict[str, object]:
    return dict(channels(make_plugin_manager()))


@pytest.mark.parametrize("name", BUILT_IN)
def test_the_channel_declares_a_renderable_form(name: str) -> None:
    channel = _channels()[name]
    assert isinstance(channel, Configurable)
    keys = [f.key for f in channel.settings_schema]
    assert len(keys) == len(set(keys)), keys
    for f in channel.settings_schema:
        assert f.label and f.label_en, f
        if f.type is FieldType.ENUM:
            assert f.choices and (f.default is None or f.default in f.choices), f
        if f.type is FieldType.SECRET:
            assert f.default is None, f


@pytest.mark.parametrize("name", BUILT_IN)
def test_what_validation_requires_is_a_required_field(name: str) -> None:
    """Only the required fields, with their defaults, must not be refused as missing."""
    channel = _channels()[name]
    assert isinstance(channel, Configurable)
    settings: dict[str, object] = {}
    secrets: dict[str, str] = {}
    for f in channel.settings_schema:
        if not f.required:
            continue
        if f.type is FieldType.SECRET:
            secrets[f.key] = "whsec_dGVzdC1wb3J0YWwtc2VjcmV0LTEyMzQ1Njc4OTA="
        elif f.type is FieldType.URL:
            settings[f.key] = "https://example.org/sites/14932/webhook"
        elif f.default is not None:
            settings[f.key] = f.default
        else:
            settings[f.key] = "1234567890"
    channel.validate_settings(settings, secrets)  # type: ignore[attr-defined]
