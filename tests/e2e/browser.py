"""Debian's headless Chromium driven by Playwright, for the tests that need a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).parent / "artifacts"


@contextmanager
def chromium_page(name: str) -> Iterator[Page]:
    """A fresh page; its console, errors and failed responses land in ``artifacts/NAME``."""
    assert Path(CHROMIUM).exists(), "chromium is missing: `make system-deps` installs it"
    ARTIFACTS.mkdir(exist_ok=True)
    messages: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            tab = browser.new_page(viewport={"width": 1000, "height": 800})
            tab.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
            tab.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
            tab.on(
                "response",
                lambda response: (
                    messages.append(f"http {response.status}: {response.url[:100]}")
                    if response.status >= 400
                    else None
                ),
            )
            tab.set_default_timeout(30_000)
            yield tab
        finally:
            (ARTIFACTS / f"{name}.console.txt").write_text("\n".join(messages) + "\n")
            browser.close()
