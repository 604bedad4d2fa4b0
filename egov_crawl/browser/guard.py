"""Read-only browsing: every request that is not GET/HEAD is aborted before it leaves the browser.

Design brief §6.2: the browser never submits a form, logs in or solves a CAPTCHA unless a journey step says so
(``allow_submit``). Aborting in ``page.route`` happens inside Chromium's network stack, so the server never sees
the request (acceptance 2 of issue 6 checks the testbed's request log for POSTs).
"""

from __future__ import annotations

from playwright.async_api import Page, Route

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # RFC 9110 §9.2.1 safe methods (OPTIONS: CORS preflight)


class WriteGuard:
    def __init__(self) -> None:
        self.allow = False  # set by a journey step with allow_submit
        self.aborted: list[str] = []

    async def install(self, page: Page) -> None:
        await page.route("**/*", self._handle)

    async def _handle(self, route: Route) -> None:
        request = route.request
        if request.method in SAFE_METHODS or self.allow:
            await route.continue_()
            return
        self.aborted.append(f"{request.method} {request.url}")
        await route.abort("blockedbyclient")

    def take(self) -> list[str]:
        """The aborted requests since the last call."""
        taken, self.aborted = self.aborted, []
        return taken
