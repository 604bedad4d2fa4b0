"""A tiny multi-host web server on loopback for crawler tests: fixed responses per (host, path), a request log.

The real testbed (egov_crawl/testbed) generates whole agency sites; this server lets a test state exactly what
a site serves, so the test can assert exactly what the crawler stored. HTTP on one port, HTTPS (certificates
from a trustme CA) on another; a HostMap sends ``host:80`` and ``host:443`` there.
"""

from __future__ import annotations

import asyncio
import inspect
import ssl
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import trustme
from aiohttp import web

from egov_crawl.hostmap import HostMap, Target


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    delay: float = 0.0

    def render(self) -> web.Response:
        body = self.body.encode() if isinstance(self.body, str) else self.body
        headers = dict(self.headers)
        if self.content_type is not None:
            headers["Content-Type"] = self.content_type
        return web.Response(status=self.status, body=body, headers=headers)


@dataclass
class Hit:
    at: float
    host: str
    scheme: str
    method: str
    path: str
    headers: dict[str, str]


Handler = Callable[[web.Request], Reply]
RawHandler = Callable[[web.Request], Awaitable[web.StreamResponse]]  # full control: slow drips, resets
Site = dict[str, Reply | Handler | RawHandler]


def not_found(_: web.Request) -> Reply:
    return Reply(404, "<html><head><title>Not found</title></head><body>ไม่พบหน้า</body></html>")


class LoopbackSites:
    """``sites[host][path]`` is a Reply (or a function of the request); other paths go to ``fallback``.

    ``tls_hosts`` are also served over HTTPS with certificates from ``self.ca`` (write it with ``ca_file``).
    """

    def __init__(self, sites: dict[str, Site], *, tls_hosts: set[str] | None = None) -> None:
        self.sites = sites
        self.fallback: dict[str, Handler] = {}
        self.tls_hosts = tls_hosts or set()
        self.hits: list[Hit] = []
        self.in_flight: Counter[str] = Counter()
        self.max_in_flight: Counter[str] = Counter()
        self.port = 0
        self.tls_port = 0
        self.ca = trustme.CA()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").split(":")[0].lower()
        self.hits.append(
            Hit(time.monotonic(), host, request.scheme, request.method, request.path_qs, dict(request.headers))
        )
        self.in_flight[host] += 1
        self.max_in_flight[host] = max(self.max_in_flight[host], self.in_flight[host])
        try:
            site = self.sites.get(host)
            if site is None:
                return web.Response(status=421, text="misdirected")
            reply = site.get(request.path_qs) or site.get(request.path) or self.fallback.get(host, not_found)
            if inspect.iscoroutinefunction(reply):
                return await reply(request)
            if callable(reply):
                reply = reply(request)
            if reply.delay:
                await asyncio.sleep(reply.delay)
            return reply.render()
        finally:
            self.in_flight[host] -= 1

    def start(self) -> LoopbackSites:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        plain = web.TCPSite(self._runner, "127.0.0.1", 0)
        await plain.start()
        self.port = plain._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        if self.tls_hosts:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.ca.issue_cert(*sorted(self.tls_hosts)).configure_cert(context)
            secure = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=context)
            await secure.start()
            self.tls_port = secure._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def hostmap(self) -> HostMap:
        entries = {(host, 80): Target("127.0.0.1", self.port) for host in self.sites}
        entries.update({(host, 443): Target("127.0.0.1", self.tls_port) for host in self.tls_hosts})
        return HostMap(entries, strict=True, allow_private_networks=True)  # loopback on purpose

    def ca_file(self, directory: Path) -> Path:
        path = directory / "loopback-ca.pem"
        self.ca.cert_pem.write_to_path(str(path))
        return path

    def paths(self, host: str, method: str | None = None) -> list[str]:
        return [h.path for h in self.hits if h.host == host and (method is None or h.method == method)]
