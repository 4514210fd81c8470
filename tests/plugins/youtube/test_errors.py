"""Every error class mapped by ``errors[].reason``, a dropped upload resumed, a timeout after
YouTube stored the video reconciled to exactly one video, and no secret in any message or log."""

from __future__ import annotations

import asyncio
import logging

import pytest

from core import AuthError, OutcomeUnknown, PermanentError, RateLimited, TransientError
from plugins.youtube.channel import YouTubeChannel
from plugins.youtube.limits import CHUNK_QUANTUM, next_reset

from .conftest import CLIENT_SECRET, sha

UPLOAD = "/upload/youtube/v3/videos"


def _publish(channel, item, target, key="delivery-1"):
    return asyncio.run(channel.publish(channel.render(item, target), target, key=key))


def _no_secret(error: BaseException, target, caplog) -> None:
    text = f"{error!s} {error!r} {error.__cause__!r} {error.__context__!r} {caplog.text}"
    for secret in (CLIENT_SECRET, target.secrets["refresh_token"]):
        assert secret not in text


@pytest.mark.parametrize(
    ("status", "reason", "error"),
    [
        (500, "backendError", TransientError),
        (503, "backendError", TransientError),
        (403, "forbidden", AuthError),
        (403, "insufficientPermissions", AuthError),
        (403, "youtubeSignupRequired", AuthError),
        (400, "invalidTitle", PermanentError),
        (400, "invalidPublishAt", PermanentError),
        (400, "badRequest", PermanentError),
    ],
)
def test_reasons_map_to_typed_errors(make_target, make_item, fake, caplog, status, reason, error):
    caplog.set_level(logging.DEBUG)
    fake("faults", {"path": UPLOAD, "method": "POST", "status": status, "reason": reason})
    target = make_target()
    with pytest.raises(error) as caught:
        _publish(YouTubeChannel(), make_item(), target)
    assert type(caught.value) is error and reason in str(caught.value)
    _no_secret(caught.value, target, caplog)
    assert fake("state")["videos"] == {}


def test_quota_exceeded_waits_until_pacific_midnight(make_target, make_item, fake):
    fake("faults", {"path": UPLOAD, "method": "POST", "status": 403, "reason": "quotaExceeded"})
    with pytest.raises(RateLimited) as caught:
        _publish(YouTubeChannel(), make_item(), make_target())
    import datetime as dt

    expected = (next_reset(dt.datetime.now(dt.UTC)) - dt.datetime.now(dt.UTC)).total_seconds()
    assert abs(caught.value.retry_after - expected) < 5


@pytest.mark.parametrize(
    ("fault", "wait"),
    [
        ({"status": 403, "reason": "rateLimitExceeded"}, 60.0),
        ({"status": 403, "reason": "userRateLimitExceeded"}, 60.0),
        ({"status": 429, "reason": "rateLimitExceeded", "retry_after": 7}, 7.0),
        ({"status": 400, "reason": "uploadLimitExceeded"}, 86_400.0),
    ],
)
def test_rate_limits_carry_the_platforms_delay(make_target, make_item, fake, fault, wait):
    fake("faults", {"path": UPLOAD, "method": "POST", **fault})
    with pytest.raises(RateLimited) as caught:
        _publish(YouTubeChannel(), make_item(), make_target())
    assert caught.value.retry_after == wait


def test_the_days_quota_is_honoured_by_the_sandbox(make_target, make_item, fake):
    fake("config", {"daily_inserts": 1})
    channel, target = YouTubeChannel(), make_target()
    _publish(channel, make_item(), target, key="a")
    with pytest.raises(RateLimited):
        _publish(channel, make_item(), target, key="b")
    assert len(fake("state")["videos"]) == 1


def test_the_older_units_model_counts_1600_per_insert(make_target, make_item, fake):
    fake("config", {"quota_model": "units", "daily_units": 2_000})
    channel, target = YouTubeChannel(), make_target()
    _publish(channel, make_item(cover=False), target, key="a")
    assert fake("state")["spent"] == {"units": 1_600}
    with pytest.raises(RateLimited):
        _publish(channel, make_item(cover=False), target, key="b")


def test_a_processing_failure_is_permanent(make_target, make_item, fake):
    fake("config", {"processing": "failed"})
    with pytest.raises(PermanentError) as caught:
        _publish(YouTubeChannel(), make_item(), make_target())
    assert "processingFailure" in str(caught.value) and "codec" in str(caught.value)


def test_a_connection_dropped_mid_chunk_is_resumed(make_target, make_item, store, fake):
    fake("faults", {"path": UPLOAD, "method": "PUT", "mode": "drop", "after_bytes": 200_000})
    channel, target = YouTubeChannel(), make_target()
    remote = _publish(channel, make_item(), target)
    state = fake("state")
    assert list(state["videos"]) == [remote.remote_id]
    assert state["videos"][remote.remote_id]["sha256"] == sha(store.blobs["v-original"])
    queries = [
        r
        for r in fake("requests")["requests"]
        if r["method"] == "PUT" and r["headers"].get("content-range", "").startswith("bytes */")
    ]
    assert len(queries) == 1


def test_a_drop_after_a_whole_quantum_resumes_from_what_was_kept(make_target, make_item, fake):
    # two chunks of 256 KiB sent as one 512 KiB chunk; the drop keeps the first 256 KiB
    fake(
        "faults",
        {"path": UPLOAD, "method": "PUT", "mode": "drop", "after_bytes": CHUNK_QUANTUM + 10},
    )
    channel = YouTubeChannel()
    target = make_target(chunk_bytes=2 * CHUNK_QUANTUM)
    _publish(channel, make_item(), target)
    ranges = [
        r["headers"]["content-range"] for r in fake("requests")["requests"] if r["method"] == "PUT"
    ]
    assert ranges[2].startswith(f"bytes {CHUNK_QUANTUM}-")  # resumed at the kept boundary


def test_a_timeout_on_the_last_chunk_is_answered_by_the_session(make_target, make_item, fake):
    """The last chunk was stored but its answer never came: asking the session finds the video."""
    fake("faults", {"path": UPLOAD, "method": "PUT", "mode": "timeout_after_store", "delay": 1.5})
    channel = YouTubeChannel()
    remote = _publish(channel, make_item(video_size=100_000), make_target(timeout=0.5))
    assert list(fake("state")["videos"]) == [remote.remote_id]


def test_an_unknown_outcome_is_reconciled_to_exactly_one_video(make_target, make_item, fake):
    """The upload and every status query time out after YouTube stored the video: the attempt
    ends unknown; reconcile finds the one video, by the session or by Loa's marker."""
    for _ in range(2):
        fake(
            "faults", {"path": UPLOAD, "method": "PUT", "mode": "timeout_after_store", "delay": 1.5}
        )
    channel, target = YouTubeChannel(), make_target(timeout=0.5)
    with pytest.raises(OutcomeUnknown):
        _publish(channel, make_item(video_size=100_000), target, key="k-unknown")
    [video_id] = fake("state")["videos"]
    by_session = asyncio.run(channel.reconcile(target, key="k-unknown"))
    other_worker = asyncio.run(YouTubeChannel().reconcile(target, key="k-unknown"))
    assert by_session is not None and other_worker is not None
    assert by_session.remote_id == other_worker.remote_id == video_id
    assert asyncio.run(YouTubeChannel().reconcile(target, key="never-sent")) is None
    assert len(fake("state")["videos"]) == 1


def test_an_interrupted_attempt_is_resumed_by_the_next_one(make_target, make_item, fake):
    """The session broke off and the status query failed too: the retry under the same key
    goes on with the same session, and reconcile in between says nothing landed."""
    fake("faults", {"path": UPLOAD, "method": "PUT", "mode": "drop", "after_bytes": 10})
    fake("faults", {"path": UPLOAD, "method": "PUT", "mode": "timeout_after_store", "delay": 1.5})
    channel, target = YouTubeChannel(), make_target(timeout=0.5)
    with pytest.raises(OutcomeUnknown):
        _publish(channel, make_item(), target, key="k-2")
    assert asyncio.run(channel.reconcile(target, key="k-2")) is None
    remote = _publish(channel, make_item(), target, key="k-2")
    state = fake("state")
    assert list(state["videos"]) == [remote.remote_id] and len(state["sessions"]) == 1
