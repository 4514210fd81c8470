"""Videos are probed by ffprobe, refused when they hold no picture or run too long, and get a
poster frame; ffmpeg is never pointed at anything but the local file, read as its container."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from PIL import Image

from core.media.inspect import MediaRefused, probe_video, video_poster
from core.media.inspect import tools as tools_module
from tests.support.media_files import audio_only_mp4, mp4, need


@pytest.fixture(autouse=True)
def _ffmpeg() -> None:
    need("ffprobe")
    need("ffmpeg")


def _refused(call, workdir: Path | None = None) -> MediaRefused:  # type: ignore[no-untyped-def]
    with pytest.raises(MediaRefused) as err:
        call()
    if workdir is not None:
        assert not workdir.exists() or not any(workdir.iterdir())
    return err.value


def test_two_second_mp4_is_probed(tmp_path) -> None:
    clip = mp4(tmp_path / "clip.mp4", seconds=2, size="320x240")
    info = probe_video(clip)
    assert info.duration == pytest.approx(2.0, abs=0.1)
    assert (info.width, info.height, info.codec) == (320, 240, "h264")
    assert (info.audio_codec, info.container) == ("aac", "mp4")


def test_poster_is_a_jpeg_frame_without_metadata(tmp_path) -> None:
    clip = mp4(tmp_path / "clip.mp4", seconds=2, size="320x240")
    poster = video_poster(clip, tmp_path / "work")
    assert poster.parent == tmp_path / "work"
    with Image.open(poster) as frame:
        assert frame.format == "JPEG" and frame.size == (320, 240)
        assert "comment" not in frame.info and "exif" not in frame.info
    assert [p.name for p in (tmp_path / "work").iterdir()] == ["poster.jpg"]


def test_poster_of_a_large_video_is_at_most_full_hd_wide(tmp_path) -> None:
    clip = mp4(tmp_path / "wide.mp4", seconds=1, size="2560x1440", audio=False)
    with Image.open(video_poster(clip, tmp_path / "work")) as frame:
        assert frame.size == (1920, 1080)


def test_text_named_mp4_is_refused_before_ffmpeg_sees_it(tmp_path, monkeypatch) -> None:
    fake = tmp_path / "clip.mp4"
    fake.write_text("this is not a video at all\n")
    ran: list[object] = []
    monkeypatch.setattr(tools_module.subprocess, "run", lambda *a, **k: ran.append(a))

    assert _refused(lambda: probe_video(fake)).code == "not_a_video"
    assert _refused(lambda: video_poster(fake, tmp_path / "w"), tmp_path / "w").code == (
        "not_a_video"
    )
    assert ran == []


def test_playlist_named_mp4_never_reaches_ffmpeg(tmp_path, monkeypatch) -> None:
    # An HLS playlist makes ffmpeg fetch what it names (SSRF, local file read).
    playlist = tmp_path / "clip.mp4"
    playlist.write_text("#EXTM3U\n#EXTINF:10,\nhttp://169.254.169.254/latest/meta-data/\n")
    ran: list[object] = []
    monkeypatch.setattr(tools_module.subprocess, "run", lambda *a, **k: ran.append(a))
    assert _refused(lambda: probe_video(playlist)).code == "not_a_video"
    assert ran == []


def test_ffmpeg_reads_only_the_local_file_with_the_announced_demuxer(tmp_path, monkeypatch) -> None:
    clip = mp4(tmp_path / "-i.mp4", seconds=1, audio=False)  # a name that looks like an option
    calls: list[list[str]] = []
    real_run = subprocess.run

    def spy(args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(list(args))
        assert kwargs.get("stdin") == subprocess.DEVNULL and not kwargs.get("shell")
        return real_run(args, **kwargs)

    monkeypatch.setattr(tools_module.subprocess, "run", spy)
    video_poster(clip, tmp_path / "work")
    assert calls and all(
        "-protocol_whitelist" in args
        and args[args.index("-protocol_whitelist") + 1] == "file"
        and args[args.index("-f") + 1] == "mov"
        and f"file:{clip.resolve()}" in args
        for args in calls
    )


def test_audio_without_picture_is_not_a_video(tmp_path) -> None:
    song = audio_only_mp4(tmp_path / "song.mp4")
    assert _refused(lambda: probe_video(song)).code == "not_a_video"
    work = tmp_path / "work"
    assert _refused(lambda: video_poster(song, work), work).code == "not_a_video"


def test_over_long_video_is_refused(tmp_path) -> None:
    clip = mp4(tmp_path / "clip.mp4", seconds=3, audio=False)
    refused = _refused(lambda: probe_video(clip, max_seconds=2))
    assert refused.code == "too_long" and "2 s" in refused.message
    assert probe_video(clip, max_seconds=4).duration == pytest.approx(3.0, abs=0.1)


def test_video_over_the_pixel_limit_is_refused(tmp_path) -> None:
    clip = mp4(tmp_path / "clip.mp4", seconds=1, audio=False)
    assert _refused(lambda: probe_video(clip, max_pixels=320 * 240 - 1)).code == ("too_many_pixels")


def test_truncated_mp4_is_corrupt(tmp_path) -> None:
    clip = mp4(tmp_path / "clip.mp4", seconds=2)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clip.read_bytes()[:200])
    assert _refused(lambda: probe_video(cut)).code == "corrupt"
    work = tmp_path / "work"
    assert _refused(lambda: video_poster(cut, work), work).code == "corrupt"


def test_a_prober_that_hangs_is_killed_and_the_file_refused(tmp_path, monkeypatch) -> None:
    clip = mp4(tmp_path / "clip.mp4", seconds=1, audio=False)

    def hang(args, **kwargs):  # type: ignore[no-untyped-def]
        raise subprocess.TimeoutExpired(args, kwargs["timeout"])

    monkeypatch.setattr(tools_module.subprocess, "run", hang)
    refused = _refused(lambda: probe_video(clip, timeout=5))
    assert refused.code == "corrupt" and "5 s" in refused.message


def test_missing_ffprobe_is_the_operators_problem(tmp_path, monkeypatch) -> None:
    clip = mp4(tmp_path / "clip.mp4", seconds=1, audio=False)

    def missing(args, **kwargs):  # type: ignore[no-untyped-def]
        raise FileNotFoundError(args[0])

    monkeypatch.setattr(tools_module.subprocess, "run", missing)
    with pytest.raises(tools_module.MediaToolMissing):
        probe_video(clip)


def test_phone_video_filmed_upright_is_reported_and_postered_upright(tmp_path) -> None:
    clip = mp4(tmp_path / "clip.mp4", seconds=1, size="320x240", audio=False)
    turned = tmp_path / "turned.mp4"
    rotate = ["-metadata:s:v:0", "rotate=90"]  # what phones write when held upright
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(clip), "-c", "copy", *rotate, str(turned)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    info = probe_video(turned)
    assert (info.width, info.height) == (240, 320)
    with Image.open(video_poster(turned, tmp_path / "work")) as frame:
        assert frame.size == (240, 320)


def test_failed_poster_run_leaves_no_half_written_frame(tmp_path, monkeypatch) -> None:
    clip = mp4(tmp_path / "clip.mp4", seconds=1, audio=False)
    real_run = subprocess.run

    def crash_midway(args, **kwargs):  # type: ignore[no-untyped-def]
        if args[0] != "ffmpeg":
            return real_run(args, **kwargs)
        Path(args[-1].removeprefix("file:")).write_bytes(b"\xff\xd8\xff half a frame")
        return subprocess.CompletedProcess(args, 1, b"", b"decoder crashed")

    monkeypatch.setattr(tools_module.subprocess, "run", crash_midway)
    work = tmp_path / "work"
    assert _refused(lambda: video_poster(clip, work), work).code == "corrupt"
