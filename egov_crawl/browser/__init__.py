"""Playwright collectors. ``session`` finds and launches Chromium; render facts, forms and journeys use it."""

from __future__ import annotations

from egov_crawl.browser.session import (
    BrowserExecutable,
    BrowserNotFound,
    TrustStoreError,
    browser_session,
    find_chromium,
    launch_args,
    prepare_trust_home,
)

__all__ = [
    "BrowserExecutable",
    "BrowserNotFound",
    "TrustStoreError",
    "browser_session",
    "find_chromium",
    "launch_args",
    "prepare_trust_home",
]
