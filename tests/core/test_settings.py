from __future__ import annotations

import os
import stat

import pytest

from core.settings import Secret, SettingsError, load_settings


def test_prod_refuses_embedded_defaults_with_a_clear_message(tmp_path) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings({"LOA_ENV": "prod", "LOA_VAR_DIR": str(tmp_path)})
    message = str(err.value)
    assert "LOA_DATABASE_URL" in message and "LOA_REDIS_URL" in message
    assert "LOA_SECRET_KEYS" in message


def test_prod_starts_with_real_services_and_keys(tmp_path) -> None:
    s = load_settings(
        {
            "LOA_ENV": "prod",
            "LOA_DATABASE_URL": "postgresql://db/loa",
            "LOA_REDIS_URL": "redis://cache:6379/0",
            "LOA_SECRET_KEYS": "a" * 43 + "=",
        }
    )
    assert s.is_prod and not s.embedded_redis


def test_dev_generates_a_private_key_file_once(tmp_path) -> None:
    first = load_settings({"LOA_VAR_DIR": str(tmp_path)})
    second = load_settings({"LOA_VAR_DIR": str(tmp_path)})
    key_file = tmp_path / "secret.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert first.secret_keys == second.secret_keys
    assert first.database_url == f"sqlite:///{tmp_path}/loa.db"


def test_unknown_env_is_refused(tmp_path) -> None:
    with pytest.raises(SettingsError):
        load_settings({"LOA_ENV": "staging", "LOA_VAR_DIR": str(tmp_path)})


def test_secret_never_shows_itself() -> None:
    s = Secret("hunter2-very-secret")
    assert "hunter2" not in repr(s) and "hunter2" not in str(s) and "hunter2" not in f"{s}"
    assert s.reveal() == "hunter2-very-secret"


def test_media_limits_are_read_and_default_to_what_the_checks_assume(tmp_path) -> None:
    import inspect

    from core.media.inspect import clean_image, probe_video

    default = load_settings({"LOA_VAR_DIR": str(tmp_path)})
    assert inspect.signature(clean_image).parameters["max_pixels"].default == (
        default.media_max_pixels
    )
    assert inspect.signature(probe_video).parameters["max_seconds"].default == (
        default.media_max_video_seconds
    )
    chosen = load_settings(
        {
            "LOA_VAR_DIR": str(tmp_path),
            "LOA_MEDIA_MAX_PIXELS": "1000",
            "LOA_MEDIA_MAX_VIDEO_SECONDS": "60",
        }
    )
    assert (chosen.media_max_pixels, chosen.media_max_video_seconds) == (1000, 60)
