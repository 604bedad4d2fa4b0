"""Size caps for bodies without a Content-Length, in the browser and in the crawler (audit H4).

One loopback server plays three agencies' hosts:

- ``www.sizes.test``: a small home page; its e-service ``/endless`` streams chunked HTML that never ends, its
  e-service ``/bomb`` is the testbed's gzip bomb (~1 MB on the wire, 1 GiB inflated), and a journey whose step
  opens ``/endless``. The browser must end each of those jobs ``too_large`` (its per-job budget of decoded
  bytes), with the Chromium process tree held far below the gigabytes it reached before.
- ``www.endless.test``: the home page itself never ends. The crawl cuts it at its 10 MiB cap and must call that
  ``too_large`` (it said ``cancelled``), so that the browser does not open the site at all.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar

import pytest

from egov_crawl import failures
from egov_crawl.browser.pages import BrowseLimits
from egov_crawl.browser.runner import browse
from egov_crawl.crawler.runner import crawl
from egov_crawl.hostmap import HostMap, Target
from egov_crawl.process_memory import tree_pss_mb
from egov_crawl.registry.models import Agency, EService, JourneyStep, Names, Registry
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.testbed.hostile import gzip_bomb_body
from tests.fixtures.http_server import serving
from tests.fixtures.requirements import require_chromium

pytestmark = pytest.mark.browser

SIZES, ENDLESS = "www.sizes.test", "www.endless.test"
HOME = '<!DOCTYPE html><html lang="th"><head><title>หน้าแรก</title></head><body><main><p>บริการ</p></main></body></html>'
# The stream's filler: preformatted ASCII, which Chromium takes in at tens of MB/s. (A page of Thai paragraphs
# parses at 1-2 MB/s on a loaded 2-core machine; such a stream is held back by the parser and ends at the
# navigation deadline, ``timeout``, before it can grow large.)
FILLER = (b"0123456789abcdef" * 63 + b"endless-stream\n") * 64  # 64 KiB
# Generous: measured 0.8-1.3 GB for this test's whole process tree (Python, Playwright's driver, Chromium) with
# the caps, 1.6 GB without them even with 20 s navigations (5.4 GB in the audit's 30 s of an endless stream).
MEMORY_BOUND_MB = 2048


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log: ClassVar[list[str]] = []  # request lines, shared by the handler threads

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError):  # Chromium drops the connection at its cap: expected
            super().handle()

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        self.log.append(f"{host}{self.path}")
        if self.path == "/endless" or (host == ENDLESS and self.path == "/"):
            self._endless()
        elif self.path == "/bomb":
            self._send(gzip_bomb_body(), {"Content-Encoding": "gzip"})
        elif self.path == "/":
            self._send(HOME.encode())
        else:
            self._send(b"not found", status=404)

    def _send(self, body: bytes, headers: dict[str, str] | None = None, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _endless(self) -> None:
        """Chunked HTML (no Content-Length) until the client goes away."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        opening = HOME.partition("<main>")[0].encode() + b"<main><pre>"
        with contextlib.suppress(OSError):
            for body in itertools.chain([opening], itertools.repeat(FILLER)):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(body), body))
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    with serving(_Handler) as port:
        yield port


def _registry() -> Registry:
    sizes = Agency(
        id="sizes",
        name=Names(th="หน่วยงานขนาดใหญ่", en="Sizes"),
        cohort="department",
        homepage=f"http://{SIZES}/",
        eservices=[
            EService(id="endless", name=Names(en="endless"), url=f"http://{SIZES}/endless"),
            EService(
                id="bomb",
                name=Names(en="bomb"),
                url=f"http://{SIZES}/bomb",
                steps=[JourneyStep(action="goto", target=f"http://{SIZES}/endless")],
            ),
        ],
    )
    endless = Agency(id="endless", name=Names(en="Endless"), cohort="department", homepage=f"http://{ENDLESS}/")
    return Registry(version=1, agencies=[sizes, endless])


@pytest.fixture(scope="module")
def outcome(server: int, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("size-cap")
    db_url = f"sqlite:///{tmp / 's.db'}"
    target = Target("127.0.0.1", server)
    hostmap = HostMap({(SIZES, 80): target, (ENDLESS, 80): target}, allow_private_networks=True)
    registry = _registry()
    crawled = crawl(
        registry, ["endless"], db_url=db_url, hostmap=hostmap, max_pages=2, polite=False, log_file=tmp / "crawl.log"
    )
    _Handler.log.clear()
    peak = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_pss_mb(os.getpid()))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        summary = browse(
            registry, ["sizes", "endless"], db_url=db_url, run_id=crawled.run_id, hostmap=hostmap,
            evidence_dir=tmp / "evidence", contexts=1, crawl_sample=False, job_timeout_s=60,
            limits=BrowseLimits(navigation_ms=20_000, settle_ms=1_000),
        )  # fmt: skip
    finally:
        stop.set()
        sampler.join()
    with session_factory(open_store(db_url))() as session:
        rows = repository.browser_facts(session, summary.run_id)
        crawl_outcome = repository.crawl_outcomes(session, summary.run_id, ["endless"]).get("endless")
    return {"rows": rows, "crawl": crawl_outcome, "log": list(_Handler.log), "peak_mb": peak}


def _rows(outcome: dict[str, Any], url: str, kind: str | None = None) -> list[Any]:
    return [r for r in outcome["rows"] if r.url == url and (kind is None or r.kind == kind)]


@pytest.mark.parametrize("path", ["/endless", "/bomb"], ids=["endless-stream", "gzip-bomb"])
def test_an_oversized_e_service_page_ends_too_large(outcome: dict[str, Any], path: str) -> None:
    rows = [r for r in _rows(outcome, f"http://{SIZES}{path}") if r.kind != "journey"]
    assert {r.kind for r in rows} == {"page", "axe", "screenshot", "forms"}
    assert {r.error_class for r in rows} == {failures.TOO_LARGE}, [(r.kind, r.payload) for r in rows]
    assert all(r.evidence_path is None for r in rows)
    # Stopped soon after the document cap (10 MiB), not at the end of the stream or of the bomb (1 GiB).
    assert all(10 * 2**20 < r.payload["received_bytes"] < 64 * 2**20 for r in rows), [r.payload for r in rows]


def test_a_journey_that_opens_an_endless_page_ends_too_large(outcome: dict[str, Any]) -> None:
    (journey,) = _rows(outcome, f"http://{SIZES}/bomb", "journey")
    assert journey.error_class == failures.TOO_LARGE


def test_the_small_home_page_is_still_observed(outcome: dict[str, Any]) -> None:
    (home,) = _rows(outcome, f"http://{SIZES}/", "page")
    assert home.error_class is None and home.payload["status"] == 200


def test_the_chromium_tree_stays_within_the_memory_goal(outcome: dict[str, Any]) -> None:
    assert 0 < outcome["peak_mb"] < MEMORY_BOUND_MB, outcome["peak_mb"]


def test_the_crawl_calls_an_endless_home_page_too_large_and_the_browser_never_opens_it(
    outcome: dict[str, Any],
) -> None:
    assert outcome["crawl"] == ("failed", failures.TOO_LARGE)
    assert not [line for line in outcome["log"] if line.startswith(ENDLESS)]
    rows = [r for r in outcome["rows"] if r.agency_id == "endless"]
    assert rows and {r.error_class for r in rows} == {failures.TOO_LARGE}
    assert {r.payload["skipped_because"]["source"] for r in rows} == {"crawl"}
