"""Two request guards inside Chromium's network stack: read-only browsing, and the SSRF guard.

``WriteGuard`` (per page): every request that is not GET/HEAD/OPTIONS is aborted before it leaves the browser.
Design brief §6.2: the browser never submits a form, logs in or solves a CAPTCHA unless a journey step says so
(``allow_submit``). Aborting in ``page.route`` happens inside Chromium's network stack, so the server never sees
the request (acceptance 2 of issue 6 checks the testbed's request log for POSTs). Requests it lets through fall
back to the context's handler, the address guard.

``AddressGuard`` (per browser context, ``egov_crawl.netguard``): a request whose host is a non-public IP literal,
a host-map name mapped to a non-public address without ``allow_private_networks``, or a DNS name whose every
address is non-public, is aborted with ``addressunreachable`` (net::ERR_ADDRESS_UNREACHABLE, stored as
``blocked_address``). Redirects are requests too, so every hop is checked.

Limits (docs/reliability.md): Chromium resolves names itself, so for names outside the host map the guard checks
its own lookup, not the one Chromium connects with (a rebinding DNS server could answer differently the second
time); requests Playwright does not route — WebSocket, WebRTC, and service-worker fetches — are not seen. With a
host map (the testbed, tests) ``--host-resolver-rules`` carries only the allowed targets, and with a strict map
every other name is NOTFOUND, which closes both gaps there.
"""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page, Request, Route

from egov_crawl import failures
from egov_crawl.browser.rows import FactRow
from egov_crawl.hostmap import HostMap
from egov_crawl.netguard import is_public_address, refusal

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
            await route.fallback()  # on to the context's AddressGuard (or the network)
            return
        self.aborted.append(f"{request.method} {request.url}")
        await route.abort("blockedbyclient")

    def take(self) -> list[str]:
        """The aborted requests since the last call."""
        taken, self.aborted = self.aborted, []
        return taken


DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


class AddressGuard:
    """Abort requests to non-public addresses (the SSRF guard of ``egov_crawl.netguard``) in one browser context."""

    def __init__(self, hostmap: HostMap | None) -> None:
        self.hostmap = hostmap
        self.refused: list[str] = []
        self._verdicts: dict[tuple[str, int], str | None] = {}

    async def install(self, context: BrowserContext) -> None:
        await context.route("**/*", self._handle)
        # Playwright routes only the first request of a redirect chain; every hop is still a "request" event, and
        # Chromium itself cannot connect to a refused literal (``launch_args``' resolver rules). The event
        # records the refusal so the failed navigation is stored as blocked_address, not as a DNS error.
        context.on("request", self._observe)

    async def _observe(self, request: Request) -> None:
        if request.redirected_from is None:
            return  # first requests went through _handle
        reason = await self.check(request.url)
        if reason is not None:
            self.refused.append(f"{request.url}: {reason}")

    def mark_refusals(self, rows: list[FactRow]) -> None:
        """Rows of a job during which the guard refused a request: a failed navigation becomes blocked_address."""
        if not self.refused:
            return
        refused, self.refused = self.refused, []
        for row in rows:
            if row.error_class in (failures.DNS_ERROR, failures.NAVIGATION, failures.BLOCKED_ADDRESS):
                row.error_class = failures.BLOCKED_ADDRESS
                row.payload["refused"] = refused[:5]

    async def _handle(self, route: Route) -> None:
        reason = await self.check(route.request.url)
        if reason is None:
            await route.continue_()
            return
        self.refused.append(f"{route.request.url}: {reason}")
        await route.abort("addressunreachable")

    async def check(self, url: str) -> str | None:
        """Why ``url`` must not be fetched, or None."""
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS:  # data:, blob:, about: never leave the browser
            return None
        host = (parts.hostname or "").lower()
        port = parts.port or DEFAULT_PORTS[parts.scheme]
        key = (host, port)
        if key not in self._verdicts:
            self._verdicts[key] = refusal(host, port, self.hostmap) or await self._dns_refusal(host, port)
        return self._verdicts[key]

    async def _dns_refusal(self, host: str, port: int) -> str | None:
        if self.hostmap is not None and (self.hostmap.knows_host(host) or self.hostmap.strict):
            return None  # answered by --host-resolver-rules (checked above), or NOTFOUND in a strict map
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError:
            return None  # Chromium's own lookup will fail and say so (dns_error)
        addresses = {str(info[4][0]) for info in infos}
        if addresses and not any(is_public_address(a) for a in addresses):
            return f"{host} resolves only to non-public addresses {sorted(addresses)}"
        return None
