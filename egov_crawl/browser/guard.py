"""Two request guards inside Chromium's network stack: read-only browsing, and the SSRF guard.

``WriteGuard`` (per page): every request that is not GET/HEAD/OPTIONS is aborted before it leaves the browser.
Design brief §6.2: the browser never submits a form, logs in or solves a CAPTCHA unless a journey step says so
(``allow_submit``). Aborting in ``page.route`` happens inside Chromium's network stack, so the server never sees
the request (acceptance 2 of issue 6 checks the testbed's request log for POSTs). Requests it lets through go on
to the network, through the context's proxy (the address guard).

``AddressGuard`` (per worker, ``egov_crawl.netguard``): the worker's browser contexts make every connection through
a SOCKS5 proxy on loopback (``proxy.py``) that resolves each name itself, refuses non-public addresses and
connects to the address it checked. Redirect hops, subresources, preconnects, WebSockets and service-worker
fetches are connections like any other, so every one is checked, and DNS rebinding cannot swap the address after
the check. Chromium reports a connection the proxy did not make as ``ERR_SOCKS_CONNECTION_FAILED``;
``explain`` gives the job's failed rows the proxy's reason (``blocked_address`` with the refused URLs in
``payload.refused``, else ``dns_error``, ``connection_refused`` or ``connect_timeout``).

What it does not cover: WebRTC's UDP (disabled: ``session.launch_args`` allows WebRTC only through the proxy) and
anything outside Chromium's network stack. Chromium itself resolves no name (``launch_args`` maps every name
but the proxy's address to NOTFOUND), so a connection that bypassed the proxy would fail to resolve.
"""

from __future__ import annotations

import contextlib
from collections import deque
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Page, ProxySettings, Request, Route

from egov_crawl import failures
from egov_crawl.browser.proxy import Failure, GuardedProxy
from egov_crawl.browser.rows import FactRow
from egov_crawl.hostmap import HostMap

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
            await route.fallback()  # on to the network (through the context's proxy, the address guard)
            return
        self.aborted.append(f"{request.method} {request.url}")
        await route.abort("blockedbyclient")

    def take(self) -> list[str]:
        """The aborted requests since the last call."""
        taken, self.aborted = self.aborted, []
        return taken


DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
SOCKS_FAILED = "ERR_SOCKS_CONNECTION_FAILED"  # Chromium's name for any connection the proxy did not make
RECENT_URLS = 200  # request URLs kept per job, to name the URL behind a refused host:port


class AddressGuard:
    """The SSRF guard of one worker: its proxy, and what the proxy's refusals mean for a job's rows."""

    def __init__(self, hostmap: HostMap | None) -> None:
        self.proxy = GuardedProxy(hostmap)
        self._recent: deque[str] = deque(maxlen=RECENT_URLS)

    async def start(self) -> AddressGuard:
        await self.proxy.start()
        return self

    async def close(self) -> None:
        await self.proxy.close()

    def context_options(self) -> ProxySettings:
        """``new_context(proxy=...)``: every connection through the proxy, loopback included (Chromium sends
        localhost and 127.0.0.0/8 direct unless the bypass list says ``<-loopback>``)."""
        return {"server": self.proxy.server, "bypass": "<-loopback>"}

    def install(self, context: BrowserContext) -> None:
        context.on("request", self._observe)  # redirect hops included: the evidence names the refused URL

    def _observe(self, request: Request) -> None:
        self._recent.append(request.url)

    def explain(self, rows: list[FactRow]) -> None:
        """After a job: rows that failed because the proxy did not connect get the proxy's reason."""
        found = self.proxy.take_failures()
        recent, self._recent = list(self._recent), deque(maxlen=RECENT_URLS)
        if not found:
            return
        refused = [f"{_url_of(f, recent)}: {f.reason}" for f in found if f.error_class == failures.BLOCKED_ADDRESS]
        last = found[-1]
        for row in rows:
            socks = row.payload.get("net_error") == SOCKS_FAILED
            if socks and not refused:
                row.error_class = last.error_class
                row.payload["proxy"] = last.reason
            elif refused and (socks or (row.kind == "journey" and _journey_step_failed(row))):
                # A journey whose step leads inward is refused, not broken: the same class as a page's.
                row.error_class = failures.BLOCKED_ADDRESS
                row.payload["refused"] = refused[:5]


def _journey_step_failed(row: FactRow) -> bool:
    return any(SOCKS_FAILED in str(step.get("error") or "") for step in row.payload.get("steps", []))


def _url_of(failure: Failure, recent: list[str]) -> str:
    """The latest request URL of the refused host and port (redirect hops are requests), else host:port."""
    for url in reversed(recent):
        parts = urlsplit(url)
        if parts.scheme in DEFAULT_PORTS and (parts.hostname or "").lower() == failure.host.lower().rstrip("."):
            with contextlib.suppress(ValueError):
                if (parts.port or DEFAULT_PORTS[parts.scheme]) == failure.port:
                    return url
    host = f"[{failure.host}]" if ":" in failure.host else failure.host
    return f"{host}:{failure.port}"
