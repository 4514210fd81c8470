"""Media storage, the same tests on both backends: the local filesystem and S3 over HTTP."""

from __future__ import annotations

import hashlib
import logging
import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from core.media.storage import (
    CHUNK_SIZE,
    InvalidMediaKey,
    MediaMissing,
    MediaStore,
    content_key,
    make_store,
)
from core.media.storage.local import LocalStore
from core.media.storage.s3 import S3Store
from core.settings import Settings, SettingsError, load_settings
from tests.core.media.conftest import S3_SECRET

MiB = 1024 * 1024


def _file(tmp_path: Path, data: bytes, name: str = "upload.bin") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _big_file(path: Path, size: int) -> str:
    """A file of ``size`` random bytes written 1 MiB at a time; its sha256."""
    digest = hashlib.sha256()
    with path.open("wb") as fh:
        for _ in range(size // MiB):
            chunk = os.urandom(MiB)
            digest.update(chunk)
            fh.write(chunk)
    return digest.hexdigest()


def _read(store: MediaStore, key: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join(store.read_range(key, start, end))


DATA = bytes(range(256)) * 40  # 10 240 bytes, every position's value known


def test_put_then_exists_size_and_read_whole(media_store: MediaStore, tmp_path: Path) -> None:
    key = content_key(_file(tmp_path, DATA), "bin")
    assert not media_store.exists(key)

    media_store.put_file(key, tmp_path / "upload.bin", "application/octet-stream")

    assert media_store.exists(key)
    assert media_store.size(key) == len(DATA)
    assert _read(media_store, key) == DATA


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 0, DATA[:1]),  # first byte
        (len(DATA) - 1, len(DATA) - 1, DATA[-1:]),  # last byte
        (1000, 4999, DATA[1000:5000]),  # middle, end inclusive
        (9000, None, DATA[9000:]),  # open-ended
        (10_000, 99_999, DATA[10_000:]),  # an end past the last byte is clamped
        (len(DATA), None, b""),  # a start past the last byte reads nothing
    ],
)
def test_read_ranges(
    media_store: MediaStore, tmp_path: Path, start: int, end: int | None, expected: bytes
) -> None:
    key = content_key(_file(tmp_path, DATA), "bin")
    media_store.put_file(key, tmp_path / "upload.bin", "application/octet-stream")

    assert _read(media_store, key, start, end) == expected


def test_invalid_ranges_are_refused(media_store: MediaStore, tmp_path: Path) -> None:
    key = content_key(_file(tmp_path, DATA), "bin")
    media_store.put_file(key, tmp_path / "upload.bin", "application/octet-stream")

    with pytest.raises(ValueError):
        media_store.read_range(key, -1)
    with pytest.raises(ValueError):
        media_store.read_range(key, 10, 9)


def test_reads_come_in_chunks_of_at_most_one_mebibyte(
    media_store: MediaStore, tmp_path: Path
) -> None:
    data = os.urandom(3 * MiB + 12_345)
    key = content_key(_file(tmp_path, data), "bin")
    media_store.put_file(key, tmp_path / "upload.bin", "application/octet-stream")

    chunks = list(media_store.read_range(key))

    assert b"".join(chunks) == data
    assert len(chunks) >= 4
    assert max(len(c) for c in chunks) <= CHUNK_SIZE
    ranged = list(media_store.read_range(key, 100, 2 * MiB + 99))
    assert b"".join(ranged) == data[100 : 2 * MiB + 100]
    assert max(len(c) for c in ranged) <= CHUNK_SIZE


def test_a_20_mb_file_is_streamed_in_and_out_in_bounded_memory(
    media_store: MediaStore, tmp_path: Path
) -> None:
    size = 20 * MiB
    source = tmp_path / "big.bin"
    expected = _big_file(source, size)
    media_store.put_file(  # warm up: imports and service models are not the file's memory
        content_key(_file(tmp_path, b"warm-up", "small.bin"), "bin"),
        tmp_path / "small.bin",
        "application/octet-stream",
    )

    tracemalloc.start()
    try:
        key = content_key(source, "bin")
        media_store.put_file(key, source, "application/octet-stream")
        digest = hashlib.sha256()
        for chunk in media_store.read_range(key):
            digest.update(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert key == f"sha256/{expected[:2]}/{expected[2:4]}/{expected}.bin"
    assert digest.hexdigest() == expected
    assert media_store.size(key) == size
    assert peak < size // 3, f"peak {peak} bytes for a {size}-byte file"


def test_the_same_key_twice_is_one_object(media_store: MediaStore, tmp_path: Path) -> None:
    key = content_key(_file(tmp_path, DATA), "bin")
    media_store.put_file(key, tmp_path / "upload.bin", "application/octet-stream")
    media_store.put_file(key, tmp_path / "upload.bin", "application/octet-stream")

    assert list(media_store.keys()) == [key]
    assert _read(media_store, key) == DATA


def test_delete_removes_and_a_missing_key_is_fine(media_store: MediaStore, tmp_path: Path) -> None:
    key = content_key(_file(tmp_path, DATA), "bin")
    media_store.put_file(key, tmp_path / "upload.bin", "application/octet-stream")

    media_store.delete(key)
    media_store.delete(key)

    assert not media_store.exists(key)
    assert list(media_store.keys()) == []


def test_keys_by_prefix(media_store: MediaStore, tmp_path: Path) -> None:
    stored = set()
    for n in range(5):
        source = _file(tmp_path, f"object {n}".encode(), f"f{n}.txt")
        key = content_key(source, "txt")
        media_store.put_file(key, source, "text/plain")
        stored.add(key)
    some = sorted(stored)[0]

    assert set(media_store.keys()) == stored
    assert set(media_store.keys("sha256/")) == stored
    assert list(media_store.keys(some[:8])) == [k for k in sorted(stored) if k[:8] == some[:8]]
    assert list(media_store.keys(some[:9])) == [k for k in sorted(stored) if k[:9] == some[:9]]
    assert list(media_store.keys(some[:10])) == [k for k in sorted(stored) if k[:10] == some[:10]]
    assert list(media_store.keys(some)) == [some]
    assert list(media_store.keys("sha256/zz")) == []
    assert list(media_store.keys("other/")) == []


def test_a_missing_key_raises_media_missing(media_store: MediaStore) -> None:
    key = "sha256/00/00/" + "0" * 64 + ".jpg"

    assert not media_store.exists(key)
    with pytest.raises(MediaMissing):
        media_store.size(key)
    with pytest.raises(MediaMissing):
        media_store.read_range(key)  # raised by the call, before any iteration
    with pytest.raises(MediaMissing):
        media_store.read_range(key, 5, 10)


def test_a_key_that_names_a_folder_of_keys_is_no_object(
    media_store: MediaStore, tmp_path: Path
) -> None:
    key = content_key(_file(tmp_path, DATA), "bin")
    media_store.put_file(key, tmp_path / "upload.bin", "application/octet-stream")

    for folder in ("sha256", key.rpartition("/")[0], key + "/below"):
        assert not media_store.exists(folder)
        with pytest.raises(MediaMissing):
            media_store.size(folder)
        with pytest.raises(MediaMissing):
            media_store.read_range(folder)
        media_store.delete(folder)
    assert list(media_store.keys()) == [key]


ESCAPING_KEYS = [
    "../escape.txt",
    "sha256/../../escape.txt",
    "sha256/./x.txt",
    "/etc/passwd",
    "//server/share/x",
    "sha256\\..\\..\\escape.txt",
    "..\\escape.txt",
    "C:\\escape.txt",
    "sha256//x.txt",
    "sha256/x.txt/",
    "..",
    ".",
    "",
    "sha256/.incoming-x",
    "%2e%2e/escape.txt",
    "sha256/x\x00.txt",
    "sha256/x\n.txt",
    "a" * 1025,
]


@pytest.mark.parametrize("key", ESCAPING_KEYS)
def test_keys_that_could_escape_the_store_are_refused(
    media_store: MediaStore, tmp_path: Path, key: str
) -> None:
    source = _file(tmp_path, DATA)
    calls: list[Any] = [
        lambda: media_store.put_file(key, source, "text/plain"),
        lambda: media_store.exists(key),
        lambda: media_store.size(key),
        lambda: media_store.read_range(key),
        lambda: media_store.delete(key),
    ]
    for call in calls:
        with pytest.raises(InvalidMediaKey):
            call()

    assert list(media_store.keys()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["upload.bin"]


@pytest.mark.parametrize("prefix", ["../", "../../etc", "/etc", "sha256/../..", "a\\b"])
def test_prefixes_that_could_escape_the_store_are_refused(
    media_store: MediaStore, prefix: str
) -> None:
    with pytest.raises(InvalidMediaKey):
        list(media_store.keys(prefix))


def test_a_crash_mid_write_leaves_no_visible_object(
    media_store: MediaStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "big.bin"
    _big_file(source, 12 * MiB)  # over the multipart threshold on S3
    key = content_key(source, "bin")
    seen_mid_write: list[bool] = []

    if isinstance(media_store, LocalStore):
        import core.media.storage.local as local

        def crash(src: Any, dst: Any, length: int = 0) -> None:
            dst.write(src.read(MiB))
            dst.flush()
            seen_mid_write.append(media_store.exists(key))
            raise OSError("disk full")

        monkeypatch.setattr(local.shutil, "copyfileobj", crash)
    else:
        assert isinstance(media_store, S3Store)
        parts: list[int] = []

        def crash(**kwargs: Any) -> None:
            parts.append(1)
            seen_mid_write.append(media_store.exists(key))
            if len(parts) > 1:
                raise OSError("connection lost")

        media_store._client.meta.events.register("before-call.s3.UploadPart", crash)

    with pytest.raises(OSError):
        media_store.put_file(key, source, "application/octet-stream")

    assert seen_mid_write and not any(seen_mid_write)
    assert not media_store.exists(key)
    with pytest.raises(MediaMissing):
        media_store.size(key)
    assert list(media_store.keys()) == []
    if isinstance(media_store, LocalStore):  # not even a temporary file is left behind
        assert [p for p in media_store.root.rglob("*") if p.is_file()] == []
    else:  # the multipart upload was aborted, not left to accumulate parts
        uploads = media_store._client.list_multipart_uploads(Bucket=media_store.bucket)
        assert uploads.get("Uploads", []) == []


def test_a_file_store_never_lists_a_write_cut_off_by_a_killed_process(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "media")
    key = content_key(_file(tmp_path, DATA), "bin")
    store.put_file(key, tmp_path / "upload.bin", "application/octet-stream")
    (store.root / key).with_name(".incoming-abc123").write_bytes(DATA[:100])

    assert list(store.keys()) == [key]


def test_content_key_is_equal_for_equal_bytes_and_different_otherwise(tmp_path: Path) -> None:
    one = content_key(_file(tmp_path, DATA, "a.bin"), "jpg")
    same = content_key(_file(tmp_path, DATA, "b.bin"), "jpg")
    other = content_key(_file(tmp_path, DATA + b"!", "c.bin"), "jpg")
    hexdigest = hashlib.sha256(DATA).hexdigest()

    assert one == same == f"sha256/{hexdigest[:2]}/{hexdigest[2:4]}/{hexdigest}.jpg"
    assert other != one
    assert content_key(tmp_path / "a.bin", "webp") != one
    for suffix in ("", "../x", "JPG", "j/g", "x" * 11):
        with pytest.raises(InvalidMediaKey):
            content_key(tmp_path / "a.bin", suffix)


def test_make_store_follows_the_setting(settings: Settings) -> None:
    local = make_store(settings)
    assert isinstance(local, LocalStore)
    assert local.root == settings.var_dir / "media"


def test_s3_objects_carry_their_type_and_large_ones_go_up_in_parts(
    s3_settings: Settings, tmp_path: Path
) -> None:
    store = make_store(s3_settings)
    assert isinstance(store, S3Store)
    source = tmp_path / "big.bin"
    _big_file(source, 12 * MiB)
    parts: list[int] = []
    store._client.meta.events.register(
        "before-call.s3.UploadPart", lambda **kwargs: parts.append(1)
    )

    key = content_key(source, "mp4")
    store.put_file(key, source, "video/mp4")

    head = store._client.head_object(Bucket=store.bucket, Key=key)
    assert head["ContentType"] == "video/mp4"
    assert head["ContentLength"] == 12 * MiB
    assert len(parts) == 2  # 8 MiB parts


def test_s3_keys_follow_every_page_of_the_listing(
    s3_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.media.storage.s3 as s3

    monkeypatch.setattr(s3, "_PAGE_SIZE", 2)
    store = make_store(s3_settings)
    assert isinstance(store, S3Store)
    stored = set()
    for n in range(5):
        source = _file(tmp_path, f"object {n}".encode(), f"f{n}.txt")
        stored.add(key := content_key(source, "txt"))
        store.put_file(key, source, "text/plain")
    listings: list[int] = []
    store._client.meta.events.register(
        "before-call.s3.ListObjectsV2", lambda **kwargs: listings.append(1)
    )

    assert set(store.keys("sha256/")) == stored
    assert len(listings) == 3


def test_the_s3_secret_is_never_logged(
    s3_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # botocore logs every request and response at DEBUG
    store = make_store(s3_settings)
    key = content_key(_file(tmp_path, DATA), "bin")
    store.put_file(key, tmp_path / "upload.bin", "application/octet-stream")
    _read(store, key)
    with pytest.raises(MediaMissing):
        store.size("sha256/00/00/missing.bin")

    assert "PutObject" in caplog.text or "put_object" in caplog.text.lower()
    logged = caplog.text + repr(store) + repr(s3_settings)
    assert S3_SECRET not in logged


def test_settings_choose_and_check_the_store(tmp_path: Path) -> None:
    base = {"LOA_VAR_DIR": str(tmp_path), "LOA_SECRET_KEYS": "a2V5"}
    assert load_settings(base).media_store == "file"
    s3 = load_settings(
        base
        | {
            "LOA_MEDIA_STORE": "s3",
            "LOA_S3_ENDPOINT_URL": "http://minio.internal:9000",
            "LOA_S3_BUCKET": "loa-media",
            "LOA_S3_ACCESS_KEY_ID": "loa",
            "LOA_S3_SECRET_ACCESS_KEY": "s3cr3t-value",
        }
    )
    assert (s3.media_store, s3.s3_bucket, s3.s3_region) == ("s3", "loa-media", "us-east-1")
    assert s3.s3_secret_access_key is not None
    assert s3.s3_secret_access_key.reveal() == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(s3)

    for wrong in (
        {"LOA_MEDIA_STORE": "ftp"},
        {"LOA_MEDIA_STORE": "s3"},  # no bucket
        {"LOA_MEDIA_STORE": "s3", "LOA_S3_BUCKET": "b", "LOA_S3_ENDPOINT_URL": "minio:9000"},
        {"LOA_MEDIA_STORE": "s3", "LOA_S3_BUCKET": "b", "LOA_S3_ENDPOINT_URL": "file:///tmp"},
        {"LOA_MEDIA_STORE": "s3", "LOA_S3_BUCKET": "b", "LOA_S3_ACCESS_KEY_ID": "only-the-id"},
        {"LOA_MEDIA_STORE": "s3", "LOA_S3_BUCKET": "b", "LOA_S3_SECRET_ACCESS_KEY": "only"},
    ):
        with pytest.raises(SettingsError):
            load_settings(base | wrong)
