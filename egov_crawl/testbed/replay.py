"""Replay WARC files on loopback: every recorded URL answers with its recorded status line, headers and body.

``start_replay`` indexes the files (``replay_index``), serves them from one HTTP and one HTTPS listener on
127.0.0.1 (certificates from a fresh testbed CA, chosen by SNI, see ``pki``) and writes a host map exactly like
``testbed serve`` does, so the crawler, the probes and Chromium reach the archived site unchanged, under its
real name. A request the archive cannot answer gets 404.

Port 80 of every recorded host is mapped to the HTTP listener; port 443 only for hosts the archive holds
``https://`` captures of. Other ports go to a closed port (connection refused), as the archive cannot say
whether the site listened there.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web
from multidict import CIMultiDict

from egov_crawl.hostmap import HostMap, Target
from egov_crawl.testbed.client import MappedClient
from egov_crawl.testbed.pki import TestbedPKI, cert_plan
from egov_crawl.testbed.replay_index import ArchivedResponse, WarcIndex, add_saved_pages, load_warcs
from egov_crawl.testbed.runtime import LOOPBACK, _reserve_closed_port, listen

# Not replayed as recorded:
# * hop-by-hop fields (RFC 9110 §7.6.1: Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade) belong to
#   the original connection, not to the resource;
# * Transfer-Encoding and Content-Encoding: the index holds the payload with both codings removed (warcio's
#   content_stream), so announcing ``chunked`` or ``gzip`` would make clients decode plain bytes;
# * Content-Length: the length of what is sent now, which aiohttp computes (a decoded payload is longer than the
#   gzip one the server sent, RFC 9110 §8.6).
DROPPED_HEADERS = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"}
    | {"transfer-encoding", "content-encoding", "content-length"}
)
REQUEST_LOG_MAX = 100_000


def replay_headers(response: ArchivedResponse) -> CIMultiDict[str]:
    """The recorded headers minus those that no longer apply; order and repeated fields (Set-Cookie) kept.

    aiohttp still adds ``Date``, ``Server`` and ``Content-Type: application/octet-stream`` (for a body) when the
    archive has none: a recorded response without them is rare and the fact is then visibly the replay's.
    """
    headers: CIMultiDict[str] = CIMultiDict()
    for name, value in response.headers:
        if name.lower() not in DROPPED_HEADERS:
            headers.add(name, value)
    return headers


class ReplayApp:
    """The request handler shared by both listeners: (method, scheme, Host, path?query) → archived response."""

    def __init__(self, index: WarcIndex) -> None:
        self.index = index
        # What was asked and answered, so tests check politeness (robots.txt) from the server's side.
        self.log: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_MAX)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").rsplit(":", 1)[0].lower().rstrip(".")
        scheme = "https" if request.secure else "http"
        found = self.index.lookup(request.method, scheme, host, request.raw_path)
        self.log.append(
            {
                "t": datetime.now(UTC).timestamp(),
                "host": host,
                "scheme": scheme,
                "method": request.method,
                "path": request.raw_path,
                "status": found.status if found else 404,
                "user_agent": request.headers.get("User-Agent", ""),
            }
        )
        if found is None:
            return web.Response(status=404, text=f"{scheme}://{host}{request.raw_path} is not in the archive\n")
        return web.Response(
            status=found.status,
            reason=found.reason or None,
            headers=replay_headers(found),
            body=found.body,
        )

    def application(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app


def build_replay_hostmap(index: WarcIndex, http_port: int, https_port: int, closed_port: int) -> HostMap:
    entries: dict[tuple[str, int], Target] = {}
    for host in index.hosts:
        entries[(host, 80)] = Target(LOOPBACK, http_port)
        if "https" in index.schemes(host):
            entries[(host, 443)] = Target(LOOPBACK, https_port)
    # Loopback listeners: the testbed allows private networks explicitly (the SSRF guard, egov_crawl/netguard.py).
    return HostMap(entries=entries, strict=True, closed_port=closed_port, allow_private_networks=True)


@dataclass
class RunningReplay:
    """A replay server running on its own event loop in a background thread; ``stop()`` (or ``with``) ends it."""

    index: WarcIndex
    app: ReplayApp
    hostmap: HostMap
    hostmap_path: Path
    ca_pem: Path
    http_port: int
    https_port: int
    closed_port: int
    _loop: asyncio.AbstractEventLoop = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    _runner: web.AppRunner = field(repr=False)
    _closed_socket: Any = field(repr=False)

    @property
    def requests(self) -> list[dict[str, Any]]:
        return list(self.app.log)

    def client(self) -> MappedClient:
        """An HTTP(S) client that connects through the replay's host map and trusts its CA."""
        return MappedClient(self.hostmap, self.ca_pem)

    def stop(self) -> None:
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._closed_socket.close()

    def __enter__(self) -> RunningReplay:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def start_replay(
    warcs: Sequence[Path],
    state_dir: Path,
    *,
    http_port: int = 0,
    https_port: int = 0,
    hostmap_out: Path | None = None,
    ca_out: Path | None = None,
    saved_pages: Path | None = None,
) -> RunningReplay:
    """Index ``warcs`` (and the ``saved_pages`` folder of ``<host>/index.html`` pages) and serve them; writes the
    CA (``state_dir/pki/ca.pem`` or ``ca_out``) and the host map (``state_dir/hostmap.json`` or ``hostmap_out``).
    Raises UserError for a missing or unreadable WARC file or pages folder."""
    index = load_warcs(warcs)
    if saved_pages is not None:
        add_saved_pages(index, saved_pages)
    state_dir.mkdir(parents=True, exist_ok=True)
    pki = TestbedPKI(state_dir / "pki")
    for host in index.hosts:
        if "https" in index.schemes(host):
            pki.add(cert_plan("valid", (host,)), (host,))  # type: ignore[arg-type]
    ca_pem = pki.ca_pem
    if ca_out is not None:
        ca_out.write_bytes(pki.ca_pem.read_bytes())
        ca_pem = ca_out

    app = ReplayApp(index)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app.application(), access_log=None, handle_signals=False)
    thread = threading.Thread(target=loop.run_forever, name="warc-replay", daemon=True)
    thread.start()

    try:
        listening = listen(runner, pki, http_port, https_port)
        bound_http, bound_https = asyncio.run_coroutine_threadsafe(listening, loop).result(timeout=30)
    except BaseException:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        raise
    closed = _reserve_closed_port()
    hostmap = build_replay_hostmap(index, bound_http, bound_https, closed.getsockname()[1])
    hostmap_path = hostmap_out or state_dir / "hostmap.json"
    hostmap.save(hostmap_path)
    return RunningReplay(
        index=index,
        app=app,
        hostmap=hostmap,
        hostmap_path=hostmap_path,
        ca_pem=ca_pem,
        http_port=bound_http,
        https_port=bound_https,
        closed_port=closed.getsockname()[1],
        _loop=loop,
        _thread=thread,
        _runner=runner,
        _closed_socket=closed,
    )
