"""One aiohttp process serves every testbed host, over one HTTP and one HTTPS listener on loopback.

Requests are dispatched on the Host header (and, for HTTPS, the certificate on the SNI name, see ``pki``).
Every static response is rendered to bytes once, at start-up — pages, documents, robots.txt, sitemaps, RSS,
security.txt, data.json — and gzip-compressed once, so a request costs a dict lookup; only the site search,
the CKAN API and the complaint form answer from code.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from aiohttp import web

from egov_crawl.testbed import feeds, render
from egov_crawl.testbed.generator import TRACKER_HOST
from egov_crawl.testbed.model import REFERENCE_DATE, Link, LinkList, Page, Para, Site, Testbed
from egov_crawl.testbed.search import SearchIndex
from egov_crawl.testbed.sitefacts import hsts_value

HTML = "text/html; charset=utf-8"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_COMPRESS_MIN = 1024  # bytes; smaller bodies are sent as they are
_COMPRESSIBLE = ("text/", "application/json", "application/xml", "application/rss+xml")


@dataclass(frozen=True)
class Reply:
    """A pre-rendered response: body (and its gzip form) plus the headers specific to this resource."""

    status: int
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()
    gzipped: bytes | None = None
    etag: str | None = None
    last_modified: datetime | None = None

    @classmethod
    def of(
        cls,
        status: int,
        body: bytes,
        content_type: str,
        headers: tuple[tuple[str, str], ...] = (),
        modified: date | None = None,
    ) -> Reply:
        packed = None
        if len(body) >= _COMPRESS_MIN and content_type.startswith(_COMPRESSIBLE):
            packed = gzip.compress(body, compresslevel=6, mtime=0)
        etag = last_modified = None
        if status == 200:
            # Weak: the gzip and identity forms share it (RFC 9110 §8.8.3.3). Validators let the crawler's
            # incremental mode be tested with real conditional requests.
            etag = 'W/"' + hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20] + '"'
            last_modified = datetime.combine(modified or REFERENCE_DATE, time(), UTC)
        return cls(status, body, content_type, headers, packed, etag, last_modified)


def not_found_page(lang: str) -> Page:
    if lang == "en":
        return Page(
            "/404",
            "Page not found",
            "en",
            "error",
            (
                Para("Sorry, the page you requested was not found."),
                LinkList(None, (Link("/en/", "Back to the home page"),)),
            ),
            status=404,
        )
    return Page(
        "/404",
        "ไม่พบหน้าที่ต้องการ",
        "th",
        "error",
        (Para("ขออภัย ไม่พบหน้าที่ท่านต้องการ"), LinkList(None, (Link("/", "กลับหน้าหลัก"),))),
        status=404,
    )


class SiteResponder:
    """Everything one agency site answers, pre-rendered."""

    def __init__(self, site: Site) -> None:
        self.site = site
        q = site.quality
        # Dynamic pages (search results, confirmations) are served as ordinary HTML even on the JS-only site.
        self.static_site = replace(site, quality=replace(q, js_only=False))
        self.index = SearchIndex.of(site)
        base = tuple(site.headers)
        hsts = hsts_value(q)
        self.headers_http = base
        self.headers_https = base + ((("Strict-Transport-Security", hsts),) if hsts else ())
        self.routes: dict[str, Reply] = {}
        for page in site.pages:
            cookies = tuple(("Set-Cookie", c) for c in site.cookies) if page.path == "/" else ()
            self.routes[page.path] = Reply.of(page.status, render.page_html(site, page), HTML, cookies, page.published)
            if q.js_only:
                self.routes[f"/_content{page.path}index.json"] = Reply.of(
                    200, render.content_json(site, page), "application/json"
                )
        for doc in site.documents:
            self.routes[doc.path] = Reply.of(200, doc.body, doc.content_type)
        for redirect in site.redirects:
            self.routes[redirect.path] = Reply.of(redirect.status, b"", HTML, (("Location", redirect.location),))
        if site.robots_txt is not None:
            self.routes["/robots.txt"] = Reply.of(200, site.robots_txt.encode(), "text/plain; charset=utf-8")
        if q.sitemap:
            for path, body in feeds.sitemaps(site).items():
                self.routes[path] = Reply.of(200, body, "application/xml")
        if site.security_txt is not None:
            self.routes["/.well-known/security.txt"] = Reply.of(
                200, site.security_txt.encode(), "text/plain; charset=utf-8"
            )
        self.routes["/news/rss.xml"] = Reply.of(200, feeds.rss(site), "application/rss+xml; charset=utf-8")
        if q.open_data:
            self.routes["/data.json"] = Reply.of(200, feeds.data_json(site), "application/json")
        if q.js_only:
            self.routes["/static/app.js"] = Reply.of(200, render.APP_JS.encode(), "text/javascript; charset=utf-8")
        if q.consent_banner:
            analytics = b"window.__analytics_loaded = true;\n"  # first-party, loaded only after consent
            self.routes["/static/analytics.js"] = Reply.of(200, analytics, "text/javascript; charset=utf-8")
        status = 200 if q.soft_404 else 404
        self.not_found = {
            lang: Reply.of(status, render.page_html(self.static_site, not_found_page(lang)), HTML)
            for lang in ("th", "en")
        }
        self.dynamic: dict[str, Callable[[web.Request], Awaitable[Reply]]] = {
            "/search": self.search,
            "/complaint/submit": self.complaint,
        }
        if q.open_data:
            self.dynamic["/api/3/action/status_show"] = self.ckan_status
            self.dynamic["/api/3/action/package_search"] = self.ckan_search
            self.dynamic["/api/3/action/package_show"] = self.ckan_show
            self.dynamic["/api/3/action/package_list"] = self.ckan_list

    def html(self, page: Page) -> Reply:
        return Reply.of(page.status, render.page_html(self.static_site, page), HTML)

    async def search(self, request: web.Request) -> Reply:
        query = request.query.get("q", "").strip()[:200]
        count, hits = self.index.search(query) if self.site.quality.search_works else (0, ())
        if not query:
            summary = "กรุณาระบุคำค้น"
        elif count:
            summary = f"ผลการค้นหา “{query}” พบ {count} รายการ"
        else:
            summary = f"ไม่พบผลการค้นหาสำหรับ “{query}”"
        results = LinkList(None, tuple(Link(hit.path, hit.title) for hit in hits))
        return self.html(
            Page(
                "/search",
                f"ค้นหา: {query}" if query else "ค้นหา",
                "th",
                "search-results",
                (Para(summary), results),
                in_sitemap=False,
            )
        )

    async def complaint(self, request: web.Request) -> Reply:
        if request.method != "POST":
            return Reply.of(405, b"", HTML, (("Allow", "POST"),))
        await request.read()  # read and discard: the testbed never stores what a form sends
        return self.html(
            Page(
                "/complaint/submit",
                "ได้รับเรื่องร้องเรียนแล้ว",
                "th",
                "confirmation",
                (Para("ระบบได้รับเรื่องของท่านแล้ว (ระบบทดสอบ: ไม่มีการบันทึกข้อมูล)"),),
            )
        )

    def _json(self, body: bytes, status: int = 200) -> Reply:
        return Reply.of(status, body, "application/json")

    async def ckan_status(self, request: web.Request) -> Reply:
        result = {
            "ckan_version": feeds.CKAN_VERSION,
            "site_title": f"{self.site.name_th} Open Data",
            "site_url": self.site.base_url,
            "site_description": "",
            "locale_default": "th",
            "extensions": ["thai_gdc", "dcat", "datastore"],
        }
        return self._json(feeds.ckan_envelope("status_show", result))

    async def ckan_search(self, request: web.Request) -> Reply:
        try:
            rows = min(1000, max(0, int(request.query.get("rows", "10"))))
            start = max(0, int(request.query.get("start", "0")))
        except ValueError:
            error = {"message": "Invalid integer", "__type": "Validation Error"}
            return self._json(feeds.ckan_envelope("package_search", error, success=False), 409)
        result = feeds.ckan_search(self.site, request.query.get("q", ""), rows, start)
        return self._json(feeds.ckan_envelope("package_search", result))

    async def ckan_show(self, request: web.Request) -> Reply:
        wanted = request.query.get("id", "")
        for dataset in self.site.datasets:
            if wanted in (dataset.name, feeds.dataset_id(self.site, dataset)):
                return self._json(feeds.ckan_envelope("package_show", feeds.ckan_package(self.site, dataset)))
        error = {"message": "Not found", "__type": "Not Found Error"}
        return self._json(feeds.ckan_envelope("package_show", error, success=False), 404)

    async def ckan_list(self, request: web.Request) -> Reply:
        return self._json(feeds.ckan_envelope("package_list", [d.name for d in self.site.datasets]))

    async def reply(self, request: web.Request, path: str) -> Reply:
        found = self.routes.get(path)
        if found is not None:
            return found
        dynamic = self.dynamic.get(path)
        if dynamic is not None:
            return await dynamic(request)
        if not path.endswith("/") and self.site.page(path + "/") is not None:
            # What Apache's mod_dir and nginx do for a directory requested without its slash.
            location = path + "/" + (f"?{request.query_string}" if request.query_string else "")
            return Reply(301, b"", HTML, (("Location", location),))
        return self.not_found["en" if path.startswith("/en/") else "th"]


TRACKER_JS = (
    b"(function(){document.cookie='_trk_uid=tb-0001; path=/; max-age=31536000';"
    b"var i=new Image();i.src='https://"
    + TRACKER_HOST.encode()
    + b"/pixel.gif?u='+encodeURIComponent(location.href);})();\n"
)
TRACKER_COOKIE = "trk_id=tb-0001; Domain=tracker.test; Path=/; Max-Age=31536000; Secure; SameSite=None"
_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


class TrackerResponder:
    """The third-party advertising tracker (www.tracker.test): a script and a pixel, each setting its cookie."""

    def __init__(self) -> None:
        cookie = (("Set-Cookie", TRACKER_COOKIE), ("Access-Control-Allow-Origin", "*"))
        self.routes = {
            "/t.js": Reply.of(200, TRACKER_JS, "text/javascript; charset=utf-8", cookie),
            "/pixel.gif": Reply.of(200, _GIF, "image/gif", cookie),
        }

    async def reply(self, request: web.Request, path: str) -> Reply:
        return self.routes.get(path) or Reply.of(404, b"not found\n", "text/plain; charset=utf-8")


def _respond(request: web.Request, reply: Reply, headers: tuple[tuple[str, str], ...]) -> web.Response:
    response = web.Response(status=reply.status)
    out = response.headers
    for name, value in headers:
        out[name] = value
    for name, value in reply.headers:
        out.add(name, value)
    if reply.status in (204, 304) or (300 <= reply.status < 400 and not reply.body):
        return response
    if reply.etag is not None and reply.last_modified is not None:
        out["ETag"] = reply.etag
        out["Last-Modified"] = format_datetime(reply.last_modified, usegmt=True)
        if _not_modified(request, reply.etag, reply.last_modified):
            response.set_status(304)
            return response
    out["Content-Type"] = reply.content_type
    if reply.gzipped is not None:
        out["Vary"] = "Accept-Encoding"
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            out["Content-Encoding"] = "gzip"
            response.body = reply.gzipped
            return response
    response.body = reply.body
    return response


def _not_modified(request: web.Request, etag: str, last_modified: datetime) -> bool:
    """RFC 9110 §13.2.2: If-None-Match (weak comparison) wins over If-Modified-Since."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since = request.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return last_modified <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


CONTROL_HOST = "control.testbed.test"  # test-only endpoints, HTTP listener only
REQUEST_LOG_MAX = 200_000


class TestbedApp:
    """The request dispatcher shared by both listeners: Host header → site (or hostile/tracker) → reply."""

    __test__ = False

    def __init__(
        self, testbed: Testbed, hostile: Mapping[str, Handler] | None = None, *, latency_ms: float = 0.0
    ) -> None:
        # Injected per-request delay before any answer (bench/probes.py: a far-away server's round trips).
        self.latency_s = max(0.0, latency_ms) / 1000
        self.sites: dict[str, SiteResponder] = {}
        for site in testbed.sites:
            responder = SiteResponder(site)
            for host in site.hosts:
                self.sites[host] = responder
        self.tracker = TrackerResponder()
        self.hostile = dict(hostile or {})
        # What every client asked, so tests check politeness from the server's side (robots.txt obeyed, budget,
        # at most N requests in flight per host). Bounded: old entries fall off.
        self.log: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_MAX)
        self.logged = 0
        self.in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}

    async def handle(self, request: web.Request) -> web.StreamResponse:
        host = (request.host or "").rsplit(":", 1)[0].lower().rstrip(".")
        if host == CONTROL_HOST:
            return self._control(request)
        self.log.append(
            {
                "n": self.logged,
                "t": datetime.now(UTC).timestamp(),
                "host": host,
                "scheme": "https" if request.secure else "http",
                "method": request.method,
                "path": request.path_qs,
                "user_agent": request.headers.get("User-Agent", ""),
                "range": request.headers.get("Range"),  # a capped GET of a document (issue 10)
            }
        )
        self.logged += 1
        self.in_flight[host] = self.in_flight.get(host, 0) + 1
        self.max_in_flight[host] = max(self.max_in_flight.get(host, 0), self.in_flight[host])
        try:
            if self.latency_s:
                await asyncio.sleep(self.latency_s)
            return await self._dispatch(host, request)
        finally:
            self.in_flight[host] -= 1

    def _control(self, request: web.Request) -> web.Response:
        """Test-only, plain HTTP: ``/requests?since=N`` (the log from entry N on), ``/concurrency``."""
        if request.path == "/requests":
            since = int(request.query.get("since", "0"))
            entries = [entry for entry in self.log if entry["n"] >= since]
            return web.json_response({"next": self.logged, "requests": entries})
        if request.path == "/concurrency":
            return web.json_response(self.max_in_flight)
        return web.Response(status=404, text="unknown control endpoint\n")

    async def _dispatch(self, host: str, request: web.Request) -> web.StreamResponse:
        hostile = self.hostile.get(host)
        if hostile is not None:
            return await hostile(request)
        secure = request.secure
        if host == TRACKER_HOST:
            return _respond(request, await self.tracker.reply(request, request.path), ())
        responder = self.sites.get(host)
        if responder is None:
            # RFC 9110 §15.5.20: this server is not able to produce a response for that authority.
            return web.Response(status=421, text=f"{host} is not a testbed host\n")
        site = responder.site
        headers = responder.headers_https if secure else responder.headers_http
        https_site = site.scheme == "https"
        enforce = https_site and site.quality.https_redirect
        if host == site.apex:
            scheme = "https" if (enforce or (secure and https_site)) else "http"
            location = f"{scheme}://{site.host}{request.rel_url}"
            return _respond(request, Reply(301, b"", HTML, (("Location", location),)), headers)
        if not secure and enforce:
            location = f"https://{site.host}{request.rel_url}"
            return _respond(request, Reply(301, b"", HTML, (("Location", location),)), headers)
        return _respond(request, await responder.reply(request, request.path), headers)

    def application(self) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        return app
