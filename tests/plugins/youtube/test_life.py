"""The whole life of a video: uploaded in chunks from the store, thumbnail, update, scheduled,
taken down (made private or deleted), all against the strict sandbox."""

from __future__ import annotations

import asyncio
import datetime as dt

from core import Audience
from plugins.youtube.channel import YouTubeChannel, marker
from plugins.youtube.limits import CHUNK_QUANTUM

from .conftest import sha


def _run(coro):
    return asyncio.run(coro)


def _publish(channel, item, target, key="delivery-1"):
    return _run(channel.publish(channel.render(item, target), target, key=key))


def test_a_video_is_uploaded_in_chunks_with_its_thumbnail(make_target, make_item, store, fake):
    channel, target, item = YouTubeChannel(), make_target(), make_item()
    remote = _publish(channel, item, target)
    video = fake("state")["videos"][remote.remote_id]
    assert remote.url == f"https://www.youtube.com/watch?v={remote.remote_id}"
    assert video["sha256"] == sha(store.blobs["v-original"]) and video["size"] == item.media[1].size
    assert video["snippet"]["title"] == item.title and video["snippet"]["categoryId"] == "25"
    assert marker("delivery-1") in video["snippet"]["tags"]
    assert item.url in video["snippet"]["description"]
    assert video["status"]["privacyStatus"] == "public" and video["thumbnail"]
    puts = [r for r in fake("requests")["requests"] if r["method"] == "PUT"]
    ranges = [r["headers"]["content-range"] for r in puts]
    total = item.media[1].size
    assert ranges == [
        f"bytes 0-{CHUNK_QUANTUM - 1}/{total}",
        f"bytes {CHUNK_QUANTUM}-{2 * CHUNK_QUANTUM - 1}/{total}",
        f"bytes {2 * CHUNK_QUANTUM}-{3 * CHUNK_QUANTUM - 1}/{total}",
        f"bytes {3 * CHUNK_QUANTUM}-{total - 1}/{total}",
    ]
    assert store.opened.count("v-original") == 1  # streamed once, never re-read


def test_update_changes_metadata_and_keeps_the_marker(make_target, make_item, fake):
    channel, target = YouTubeChannel(), make_target()
    remote = _publish(channel, make_item(), target)
    item = make_item(title="Lịch tiêm chủng (đã cập nhật)", revision=2)
    again = _run(channel.update(remote, channel.render(item, target), target, key="d-2"))
    video = fake("state")["videos"][remote.remote_id]
    assert again.remote_id == remote.remote_id
    assert video["snippet"]["title"] == "Lịch tiêm chủng (đã cập nhật)"
    assert marker("delivery-1") in video["snippet"]["tags"]
    assert len(fake("state")["videos"]) == 1


def test_the_window_closing_makes_the_video_private(make_target, make_item, fake):
    channel, target = YouTubeChannel(), make_target()
    remote = _publish(channel, make_item(), target)
    _run(channel.retract(remote, target, key="d-3"))
    assert fake("state")["videos"][remote.remote_id]["status"]["privacyStatus"] == "private"
    _run(channel.retract(remote, target, key="d-3"))  # twice is fine


def test_the_window_closing_can_delete_the_video(make_target, make_item, fake):
    channel, target = YouTubeChannel(), make_target(on_window_close="delete")
    remote = _publish(channel, make_item(), target)
    _run(channel.retract(remote, target, key="d-3"))
    assert fake("state")["videos"] == {}
    _run(channel.retract(remote, target, key="d-3"))  # already gone: done


def test_a_later_window_start_is_scheduled_with_publish_at(make_target, make_item, fake):
    channel, target = YouTubeChannel(), make_target()
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=2)
    item = make_item(audience=Audience(visible_from=start))
    remote = _publish(channel, item, target)
    status = fake("state")["videos"][remote.remote_id]["status"]
    assert status["privacyStatus"] == "private"
    assert status["publishAt"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    fake("clock", {"now": (start + dt.timedelta(minutes=1)).isoformat()})
    assert fake("state")["videos"][remote.remote_id]["status"]["privacyStatus"] == "private"
    # the sandbox turns it public when read after publishAt (as YouTube does at that time)
    [listed] = _run(_list(channel, target, remote.remote_id))
    assert listed["status"]["privacyStatus"] == "public"


async def _list(channel, target, video_id):
    async with channel.client(target) as yt:
        return await yt.videos([video_id])


def test_an_unverified_project_locks_uploads_private(make_target, make_item, fake):
    fake("config", {"unverified": True})
    channel, target = YouTubeChannel(), make_target()
    remote = _publish(channel, make_item(), target)
    assert fake("state")["videos"][remote.remote_id]["status"]["privacyStatus"] == "private"


def test_the_upload_never_holds_the_whole_file_in_memory(make_target, make_item, fake):
    """A 24 MiB video in 256 KiB chunks: the peak of new allocations (the sandbox's included)
    stays a few chunks, far below the file."""
    import tracemalloc

    channel, target = YouTubeChannel(), make_target()
    item = make_item(video_size=96 * CHUNK_QUANTUM, cover=False)
    rendered = channel.render(item, target)
    tracemalloc.start()
    try:
        remote = _run(channel.publish(rendered, target, key="big"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert fake("state")["videos"][remote.remote_id]["size"] == 96 * CHUNK_QUANTUM
    assert peak < 8 * CHUNK_QUANTUM, peak  # 2 MiB, a twelfth of the file
