"""The browser's SSRF guard on redirect hops, subresources, preconnects and WebSockets (audit H1, M1).

A public-looking site (``www.bait.test``, in a host map that is *not strict* — every other name goes to the
system resolver, as in production — and that allows private networks for its own target only) answers on
127.0.0.1. Its e-service URLs redirect to a canary server on loopback by the addresses Chromium would otherwise
reach: ``[::1]``, ``localhost`` (a name whose DNS answer is loopback), and ``[::ffff:7f00:1]`` (IPv4-mapped
IPv6). Its home page loads an image, a fetch, a preconnect and a WebSocket aimed at the canary. The canary
records every TCP connection it accepts: none may arrive, each redirected job is stored as ``blocked_address``
naming the refused URL, and no screenshot of an internal page is written. The home page itself (the map's own
loopback target, allowed) is observed normally: ``allow_private_networks`` keeps working.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from typing import Any

import pytest

from egov_crawl import failures
from egov_crawl.browser.pages import BrowseLimits
from egov_crawl.browser.runner import browse
from egov_crawl.hostmap import HostMap, Target
from egov_crawl.registry.models import Agency, EService, JourneyStep, Names, Registry
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from tests.fixtures.requirements import require_chromium

pytestmark = pytest.mark.browser

BAIT = "www.bait.test"
# e-service id -> where its URL redirects ({port}: the canary's)
REDIRECTS = {
    "ipv6-loopback": "http://[::1]:{port}/internal",
    "localhost": "http://localhost:{port}/internal",
    "ipv4-mapped": "http://[::ffff:7f00:1]:{port}/internal",
}
JOURNEY = "ipv4-mapped"
HOME = """<!DOCTYPE html><html lang="th"><head><title>หน้าแรก</title>
<link rel="preconnect" href="http://localhost:{port}"></head>
<body><main><p>ยินดีต้อนรับ</p><img src="http://localhost:{port}/pixel.png" alt="">
<script>
fetch("http://[::1]:{port}/api").catch(() => {{}});
try {{ new WebSocket("ws://localhost:{port}/socket"); }} catch (e) {{}}
</script></main></body></html>"""


class _Canary(ThreadingHTTPServer):
    """Records every connection it accepts (a preconnect or WebSocket sends no request line)."""

    def __init__(self, address: tuple[str, int], family: socket.AddressFamily, log: list[str]) -> None:
        self.address_family = family
        self.log = log
        super().__init__(address, _CanaryHandler)

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.log.append(f"connection from {client_address}")
        return True


class _CanaryHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.log.append(f"GET {self.path}")  # type: ignore[attr-defined]
        body = b"<html><body><h1>INTERNAL ADMIN PAGE</h1></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _BaitHandler(BaseHTTPRequestHandler):
    canary_port = 0

    def do_GET(self) -> None:
        name = self.path.strip("/")
        if name in REDIRECTS:
            self.send_response(302)
            self.send_header("Location", REDIRECTS[name].format(port=self.canary_port))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = HOME.format(port=self.canary_port).encode()
        self.send_response(200 if self.path == "/" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _serve(server: HTTPServer) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def canary() -> Iterator[dict[str, Any]]:
    """The same port on 127.0.0.1 and [::1], so that every redirect target would reach it."""
    log: list[str] = []
    v4 = _Canary(("127.0.0.1", 0), socket.AF_INET, log)
    port = v4.server_address[1]
    v6 = _Canary(("::1", port), socket.AF_INET6, log)
    for server in (v4, v6):
        _serve(server)
    yield {"port": port, "log": log}
    for server in (v4, v6):
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browsed(canary: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("browser-ssrf")
    handler = type("Bait", (_BaitHandler,), {"canary_port": canary["port"]})
    bait = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    _serve(bait)
    hostmap = HostMap(
        {(BAIT, 80): Target("127.0.0.1", bait.server_address[1])}, strict=False, allow_private_networks=True
    )
    agency = Agency(
        id="bait",
        name=Names(th="หน่วยงานล่อ", en="Bait agency"),
        cohort="department",
        homepage=f"http://{BAIT}/",
        eservices=[
            EService(
                id=name,
                name=Names(en=name),
                url=f"http://{BAIT}/{name}",
                # One e-service is also a journey whose first step follows the redirect.
                steps=[JourneyStep(action="goto", target=f"http://{BAIT}/{name}")] if name == JOURNEY else [],
            )
            for name in REDIRECTS
        ],
    )
    db_url = f"sqlite:///{tmp / 'b.db'}"
    try:
        summary = browse(
            Registry(version=1, agencies=[agency]), ["bait"], db_url=db_url, run_id=None, hostmap=hostmap,
            evidence_dir=tmp / "evidence", contexts=1, limits=BrowseLimits(navigation_ms=10_000, settle_ms=1_000),
        )  # fmt: skip
    finally:
        bait.shutdown()
        bait.server_close()
    with session_factory(open_store(db_url))() as session:
        rows = repository.browser_facts(session, summary.run_id)
    return {"rows": rows, "evidence": tmp / "evidence", "log": list(canary["log"]), "port": canary["port"]}


def test_no_connection_reaches_the_internal_server(browsed: dict[str, Any]) -> None:
    assert browsed["log"] == []


@pytest.mark.parametrize("case", list(REDIRECTS))
def test_a_redirect_to_an_internal_address_is_stored_as_blocked_address(browsed: dict[str, Any], case: str) -> None:
    url = f"http://{BAIT}/{case}"
    rows = [r for r in browsed["rows"] if r.url == url and r.kind != "journey"]
    assert {r.kind for r in rows} == {"page", "axe", "screenshot", "forms"}
    assert {r.error_class for r in rows} == {failures.BLOCKED_ADDRESS}, [(r.kind, r.payload) for r in rows]
    target = REDIRECTS[case].format(port=browsed["port"])
    assert all(r.payload["refused"][0].startswith(target) for r in rows)
    assert all(r.evidence_path is None for r in rows)  # no screenshot of the internal page


def test_a_journey_whose_step_is_redirected_inward_is_blocked_address(browsed: dict[str, Any]) -> None:
    (journey,) = [r for r in browsed["rows"] if r.kind == "journey"]
    assert journey.error_class == failures.BLOCKED_ADDRESS and journey.payload["broken_step"] == 0
    assert journey.payload["refused"][0].startswith(REDIRECTS[JOURNEY].format(port=browsed["port"]))


def test_the_allowed_home_page_is_observed_and_its_inward_subresources_are_refused(browsed: dict[str, Any]) -> None:
    home = next(r for r in browsed["rows"] if r.kind == "page" and r.url == f"http://{BAIT}/")
    assert home.error_class is None and home.payload["status"] == 200
    failed = " ".join(home.payload["failed_requests"])
    assert f"localhost:{browsed['port']}/pixel.png" in failed and f"[::1]:{browsed['port']}/api" in failed
    shots = sorted(p.name for p in browsed["evidence"].rglob("*.png"))
    assert len(shots) == 2, shots  # desktop and mobile of the home page: nothing of the redirected e-services


def test_the_proxy_refuses_what_the_address_rule_refuses() -> None:
    """Name by name, without Chromium: the checked addresses the proxy would connect to."""
    import asyncio

    from egov_crawl.browser.proxy import GuardedProxy

    mapped = HostMap({("www.a.test", 443): Target("127.0.0.1", 8443)}, strict=True, allow_private_networks=True)
    closed = HostMap({("www.a.test", 443): Target("127.0.0.1", 8443)}, strict=True)

    async def verdicts() -> dict[str, Any]:
        out: dict[str, Any] = {}
        for label, proxy, host in [
            ("mapped", GuardedProxy(mapped), "www.a.test"),
            ("mapped-closed", GuardedProxy(closed), "www.a.test"),
            ("strict-unknown", GuardedProxy(mapped), "intranet.a.test"),
            ("v6-loopback", GuardedProxy(None), "::1"),
            ("v4-mapped", GuardedProxy(None), "::ffff:7f00:1"),
            ("metadata", GuardedProxy(None), "169.254.169.254"),
            ("localhost", GuardedProxy(None), "localhost"),
            ("public", GuardedProxy(None), "203.150.0.10"),
        ]:
            try:
                out[label] = await proxy.addresses(host, 443)
            except Exception as exc:
                out[label] = getattr(exc, "error_class", repr(exc))
        return out

    assert asyncio.run(verdicts()) == {
        "mapped": [("127.0.0.1", 8443)],
        "mapped-closed": failures.BLOCKED_ADDRESS,
        "strict-unknown": failures.DNS_ERROR,
        "v6-loopback": failures.BLOCKED_ADDRESS,
        "v4-mapped": failures.BLOCKED_ADDRESS,
        "metadata": failures.BLOCKED_ADDRESS,
        "localhost": failures.BLOCKED_ADDRESS,
        "public": [("203.150.0.10", 443)],
    }
