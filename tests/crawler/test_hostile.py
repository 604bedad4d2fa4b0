"""Hostile and broken servers: every failure ends as a stored page with an error class, and the crawl finishes."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web

from egov_crawl.crawler import handled
from egov_crawl.crawler.errors import redirect_class
from egov_crawl.crawler.middlewares import retry_after_seconds
from tests.fixtures.loopback import LoopbackSites, Reply
from tests.fixtures.loopback_crawl import html, pages_of, registry, run_crawl, site_crawl

pytestmark = pytest.mark.slow  # each test crawls loopback sites in a child process


async def slow_drip(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    for _ in range(120):  # 12 s: well past the test's 3 s download timeout, even on a loaded machine
        await response.write(b"<p>.</p>")
        await asyncio.sleep(0.1)
    return response


async def reset(request: web.Request) -> web.StreamResponse:
    assert request.transport is not None
    request.transport.abort()  # RST instead of a response
    return web.Response()


def gzip_bomb(_: web.Request) -> Reply:
    return Reply(body=gzip.compress(b"\0" * 3_000_000), headers={"Content-Encoding": "gzip"})


BUSY = "www.busy.test"  # every page: 429 with a short Retry-After
DOWN = "www.down.test"  # every page: 500-503
RETRY_AFTER = 3

HOME_LINKS = [
    ("/drip", "ช้า"),
    ("/reset", "ตัดการเชื่อมต่อ"),
    ("/bomb", "ระเบิด"),
    ("/huge", "ใหญ่"),
    ("/busy", "ไม่ว่าง"),
    ("/loop-a", "วน"),
    ("/private-net", "ภายใน"),
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("hostile")
    site: dict[str, Any] = {
        "/": Reply(body=html("กรมแลมบ์ดา", HOME_LINKS)),
        "/drip": slow_drip,
        "/reset": reset,
        "/bomb": gzip_bomb,
        "/huge": Reply(body=html("ใหญ่", main="ก" * 400_000)),
        "/busy": Reply(429, "busy", {"Retry-After": "1"}),
        "/loop-a": Reply(302, b"", {"Location": "/loop-b"}),
        "/loop-b": Reply(302, b"", {"Location": "/loop-a"}),
        "/private-net": Reply(302, b"", {"Location": "http://10.1.2.3/admin"}),
    }

    def refusing(host: str) -> dict[str, Reply]:
        # robots.txt answers, so the refusals are the pages' own. It names two sitemaps: with the home page and
        # /sitemap.xml that gives the crawler four requests to be refused (security.txt, the 404 test and the
        # twin host are the probes', so a site of one page gives the crawl nothing more to ask).
        maps = "".join(f"Sitemap: http://{host}/map-{n}.xml\n" for n in (1, 2))
        return {"/robots.txt": Reply(body=f"User-agent: *\nAllow: /\n{maps}", content_type="text/plain")}

    sites = LoopbackSites(
        {
            "www.lambda.test": site,
            "www.mu.test": {"/robots.txt": Reply(500, "oops")},
            BUSY: refusing(BUSY),
            DOWN: refusing(DOWN),
        },
    )
    sites.fallback[BUSY] = lambda _: Reply(429, "busy", {"Retry-After": str(RETRY_AFTER)})
    sites.fallback[DOWN] = lambda request: Reply(500 + len(request.path) % 4, "down")
    sites.start()
    db = tmp / "c.db"
    settings = {"DOWNLOAD_TIMEOUT": 3, "DOWNLOAD_MAXSIZE": 1_000_000, "DOWNLOAD_WARNSIZE": 0}
    reg = registry(
        ("lambda", "http://www.lambda.test/"),
        ("mu", "http://www.mu.test/"),
        ("busy", f"http://{BUSY}/"),
        ("down", f"http://{DOWN}/"),
    )
    summary, _ = run_crawl(sites, reg, db, tmp, settings=settings)
    yield {"sites": sites, "db": db, "summary": summary}
    sites.stop()


def test_each_failure_is_a_page_with_an_error_class(hostile: dict[str, Any]) -> None:
    pages = {url.removeprefix("http://www.lambda.test"): p for url, p in pages_of(hostile["db"], "lambda").items()}
    got = {path: (p.status, p.error_class) for path, p in pages.items()}
    assert got == {
        "/": (200, None),
        "/drip": (None, "timeout"),
        "/reset": (None, "connection_reset"),
        "/bomb": (None, "decompression_bomb"),
        "/huge": (None, "too_large"),
        "/busy": (429, None),
        "/loop-a": (302, "redirect_loop"),  # /loop-b redirects back to /loop-a: recorded, not followed again
        "/private-net": (None, "blocked_address"),  # the SSRF guard refuses the redirect to 10.1.2.3
    }
    assert pages["/loop-a"].facts["redirect_loop"] == {"target": "http://www.lambda.test/loop-a", "hops": 2}


def test_the_crawl_of_a_hostile_site_still_completes(hostile: dict[str, Any]) -> None:
    assert {(a.agency_id, a.status) for a in hostile["summary"].agencies} == {
        ("lambda", "complete"),
        ("mu", "failed"),
        ("busy", "failed"),
        ("down", "failed"),
    }


def test_a_site_that_keeps_answering_429_is_given_up_after_one_retry_after(hostile: dict[str, Any]) -> None:
    crawl = site_crawl(hostile["db"], "busy")
    assert (crawl.error_class, crawl.finish_reason) == ("rate_limited", "gave_up")
    gave_up = crawl.site_facts["crawl"]["gave_up"]
    assert gave_up["reason"] == "rate_limited"
    assert gave_up["retry_after_s"] == RETRY_AFTER
    assert gave_up["statuses"] == [429, 429]
    hits = [h for h in hostile["sites"].hits if h.host == BUSY and h.path != "/robots.txt"]
    # Bounded: one Retry-After wait, then the crawl stops (not one wait per URL it knows: two would be 2 x 3 s).
    assert hits[-1].at - hits[0].at < 2 * RETRY_AFTER
    # Polite: the first requests (two at most in flight together, CONCURRENT_REQUESTS_PER_DOMAIN), then nothing
    # until the Retry-After had passed, then one more.
    first_batch = [h for h in hits if h.at - hits[0].at < RETRY_AFTER / 2]
    assert len(first_batch) <= 2
    assert all(h.at - hits[0].at >= RETRY_AFTER - 0.1 for h in hits[len(first_batch) :])
    assert len(hits) <= 3
    assert pages_of(hostile["db"], "busy")[f"http://{BUSY}/"].status == 429  # the home page's answer, as a fact


def test_a_site_answering_only_5xx_is_given_up_after_a_few_responses(hostile: dict[str, Any]) -> None:
    crawl = site_crawl(hostile["db"], "down")
    assert (crawl.error_class, crawl.finish_reason) == ("server_error", "gave_up")
    gave_up = crawl.site_facts["crawl"]["gave_up"]
    assert gave_up["reason"] == "server_error"
    assert len(gave_up["statuses"]) == 3 and all(500 <= s < 600 for s in gave_up["statuses"])
    hits = [h for h in hostile["sites"].hits if h.host == DOWN and h.path != "/robots.txt"]
    assert len(hits) <= 4  # three answers, and at most one more already in flight


def test_robots_txt_server_error_means_disallow_all(hostile: dict[str, Any]) -> None:
    assert hostile["sites"].paths("www.mu.test") == ["/robots.txt"]  # RFC 9309 §2.3.1.4
    crawl = site_crawl(hostile["db"], "mu")
    assert crawl.error_class == "blocked_by_robots"
    assert crawl.site_facts["robots"]["treated_as"] == "disallow-all"


def test_retry_after_values() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds("soon") is None


def test_one_site_class_by_the_documented_precedence() -> None:
    """docs/reliability.md: url_trap > login_wall > js_only > charset_detected > parse_recovered."""
    signals = {"parse_recovered": {"count": 4}, "charset_detected": {"encoding": "cp874"}, "js_only": {}}
    assert handled.site_class({**signals, "url_trap": None}) == "charset_detected"  # an empty signal is none
    assert handled.site_class({**signals, "login_wall": {"url": "/login"}}) == "login_wall"
    assert handled.site_class({"parse_recovered": {"count": 4}, "url_trap": {"urls": 30}}) == "url_trap"
    assert handled.site_class({"url_trap": None, "gave_up": None}) is None


def test_a_redirect_cap_on_a_repeating_chain_is_a_loop() -> None:
    from scrapy import Request

    chain = Request("http://x.test/a", meta={"redirect_urls": ["http://x.test/", "http://x.test/a", "http://x.test/b"]})
    endless = Request("http://x.test/hop/3", meta={"redirect_urls": ["http://x.test/", "http://x.test/hop/1"]})
    assert redirect_class("too_many_redirects", chain) == "redirect_loop"
    assert redirect_class("too_many_redirects", endless) == "too_many_redirects"
    assert redirect_class("timeout", chain) == "timeout"
