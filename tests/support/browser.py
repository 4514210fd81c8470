"""Debian's Chromium driven by Playwright, for the tests that need a real browser.

Import the ``browser`` fixture where it is used. Chromium missing fails the run under CI
and skips elsewhere.
"""

from __future__ import annotations

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


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; missing, it fails under CI and skips elsewhere."""
    if shutil.which(CHROMIUM) is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Chromium at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


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
