"""Hostile and broken servers: every failure ends as a stored page with an error class, and the crawl finishes."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web

from egov_crawl.crawler.middlewares import retry_after_seconds
from tests.crawler.loopback import LoopbackSites, Reply
from tests.crawler.test_crawl import html, pages_of, registry, run_crawl, site_crawl


async def slow_drip(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/html"})
    await response.prepare(request)
    for _ in range(40):
        await response.write(b"<p>.</p>")
        await asyncio.sleep(0.1)
    return response


async def reset(request: web.Request) -> web.StreamResponse:
    assert request.transport is not None
    request.transport.abort()  # RST instead of a response
    return web.Response()


def gzip_bomb(_: web.Request) -> Reply:
    return Reply(body=gzip.compress(b"\0" * 3_000_000), headers={"Content-Encoding": "gzip"})


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
    sites = LoopbackSites({"www.lambda.test": site, "www.mu.test": {"/robots.txt": Reply(500, "oops")}}).start()
    db = tmp / "c.db"
    settings = {"DOWNLOAD_TIMEOUT": 1, "DOWNLOAD_MAXSIZE": 1_000_000, "DOWNLOAD_WARNSIZE": 0}
    reg = registry(("lambda", "http://www.lambda.test/"), ("mu", "http://www.mu.test/"))
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
        "/loop-a": (302, None),  # /loop-b redirects back to /loop-a: recorded, not followed again
        "/private-net": (None, "blocked_address"),  # the SSRF guard refuses the redirect to 10.1.2.3
    }
    assert pages["/loop-a"].facts["redirect_not_followed"] == "http://www.lambda.test/loop-a"


def test_the_crawl_of_a_hostile_site_still_completes(hostile: dict[str, Any]) -> None:
    assert {(a.agency_id, a.status) for a in hostile["summary"].agencies} == {("lambda", "complete"), ("mu", "failed")}


def test_robots_txt_server_error_means_disallow_all(hostile: dict[str, Any]) -> None:
    assert hostile["sites"].paths("www.mu.test") == ["/robots.txt"]  # RFC 9309 §2.3.1.4
    crawl = site_crawl(hostile["db"], "mu")
    assert crawl.error_class == "blocked_by_robots"
    assert crawl.site_facts["robots"]["treated_as"] == "disallow-all"


def test_retry_after_values() -> None:
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past
    assert retry_after_seconds("soon") is None
