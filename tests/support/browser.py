"""Debian's Chromium driven by Playwright, for the tests that need a real browser.

Import the ``browser`` fixture where it is used. Chromium missing fails the run under CI
and skips elsewhere.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _Chromium:
    """One Playwright driver and one Chromium for the whole run, launched again if it died.

    Starting both costs about a CPU-second and several seconds of waiting; a fresh browser
    context per test (what ``Watched`` opens) isolates cookies and storage just as well.

    Playwright's sync API marks its event loop as running on this thread between its calls
    (``asyncio.get_running_loop()`` finds it), which would make ``asyncio.run`` fail in every
    later test. So the mark is set only while a test holds the browser, and cleared after.
    """

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self._launch()
        self.loop = asyncio.get_running_loop()  # Playwright's, marked by its last call
        self.release()

    def _launch(self) -> Any:
        return self.playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )

    def hold(self) -> Any:
        asyncio._set_running_loop(self.loop)
        if not self.browser.is_connected():
            self.browser = self._launch()
        return self.browser

    def release(self) -> None:
        """Close what the test left open (pages of a live board keep polling), unmark the loop."""
        try:
            for context in self.browser.contexts:
                context.close()
        finally:
            asyncio._set_running_loop(None)

    def stop(self) -> None:
        asyncio._set_running_loop(self.loop)
        try:
            self.browser.close()
        finally:
            self.playwright.stop()
            asyncio._set_running_loop(None)


@pytest.fixture(scope="session")
def _chromium() -> Iterator[_Chromium]:
    if shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Chromium at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    chromium = _Chromium()
    yield chromium
    chromium.stop()


@pytest.fixture
def browser(_chromium: _Chromium) -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; missing, it fails under CI and skips elsewhere.
    One browser serves the whole run; what a test opens in it is closed when the test ends."""
    try:
        yield _chromium.hold()
    finally:
        _chromium.release()


def sign_in(page: Any, base_url: str, account: Any, clock: Any) -> None:
    """Sign ``account`` in with its password and a TOTP code; back on the desk's home page,
    loaded whole (its own files) before the test moves on."""
    page.goto(f"{base_url}/admin/login")
    page.fill("#username", account.username)
    page.fill("#password", account.password)
    page.click("button[type=submit]")
    page.fill("#code", account.code(clock))
    clock.step()
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
    page.wait_for_load_state("load")
