"""One generic spider, parameterised by agency: crawl its own hosts within a page budget, record what it saw.

Phases of one agency crawl:

1. ``start()``: the home page, plus ``/sitemap.xml`` (and the sitemaps robots.txt names). robots.txt itself
   is fetched once by ``RecordingRobotsTxtMiddleware`` and arrives as a signal. security.txt, the random-path
   404 test and the apex/``www`` twin are the probes' to observe (``egov_crawl/probes/web.py``, ``https.py``):
   one collector per fact, so a check has one code path for each.
2. Pages: links on the agency's own hosts are followed breadth-first up to the depth limit and the page budget;
   external links are recorded, never followed. Every page request counted against the budget ends as exactly
   one stored page (fetched, or failed with an error class) or is refunded (refused by robots.txt) — so the
   budget is exact, and no page is fetched twice (the spider's own ``seen`` set; Scrapy's dupefilter would
   drop requests silently and leak budget).
3. When the pages are done (``spider_idle``): link integrity — HEAD the agency's documents and the internal
   link targets that were not fetched as pages, within ``max_checks``.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter, deque
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from egov_crawl import failures
from egov_crawl.crawler import cookies, events, handled, traps
from egov_crawl.crawler.cms import detect_cms
from egov_crawl.crawler.errors import ROBOTS_BLOCKED, classify, redirect_class
from egov_crawl.crawler.extract import (
    DocumentRef,
    document_format,
    extract_page,
    host_of,
    is_html,
    media_type,
)
from egov_crawl.crawler.giveup import GaveUp
from egov_crawl.crawler.items import DocumentCheckItem, PageItem
from egov_crawl.crawler.middlewares import header, robots_fetched
from egov_crawl.crawler.plan import AgencyPlan
from egov_crawl.crawler.sitefacts import parse_sitemap, twin_host
from egov_crawl.crawler.warc import POINTER_META, WarcRecorder

logger = logging.getLogger(__name__)

MAX_BACKLOG = 20_000
MAX_TARGETS = 50_000
MAX_HEADER_VALUE = 2000
KIND = "egov_kind"  # request meta key: page | sitemap | check
# Sitemaps may be larger than pages: the protocol allows 50 MiB uncompressed per file (sitemaps.org, "Sitemap
# file location"), so their requests carry this cap (Scrapy's download_maxsize meta) instead of DOWNLOAD_MAXSIZE.
SITEMAP_MAXSIZE = 50 * 1024 * 1024


# Links to these are not web pages: checked with HEAD like documents, never downloaded as pages.
MEDIA_EXTENSIONS = frozenset(
    {"jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "bmp", "tif", "tiff", "heic"}  # images
    | {"mp3", "mp4", "m4a", "m4v", "avi", "mov", "wmv", "flv", "webm", "ogg", "ogv", "wav"}  # audio, video
    | {"css", "js", "mjs", "map", "woff", "woff2", "ttf", "otf", "eot"}  # page assets
    | {"exe", "msi", "dmg", "iso", "apk", "ipa", "bin"}  # software
)


def is_page_candidate(url: str) -> bool:
    """False for documents (pdf, docx, csv…) and media files: a page budget is for pages."""
    if document_format(url) is not None:
        return False
    path = urlsplit(url).path
    dot = path.rfind(".")
    return dot == -1 or "/" in path[dot:] or path[dot + 1 :].lower() not in MEDIA_EXTENSIONS


def _now() -> datetime:
    return datetime.now(UTC)


def response_headers(response: Response) -> dict[str, str | list[str]]:
    """Response headers with lower-case names; repeated headers (Set-Cookie) as lists; cookies without values."""
    headers: dict[str, str | list[str]] = {}
    for name, values in response.headers.items():
        key = name.decode("latin-1").lower()
        decoded = [value.decode("latin-1")[:MAX_HEADER_VALUE] for value in values]
        if key == "set-cookie":
            decoded = [cookies.without_value(value) for value in decoded]
        headers[key] = decoded[0] if len(decoded) == 1 else decoded
    return headers


def redirect_chain(response: Response) -> list[dict[str, Any]]:
    """Each hop as {url, status}; the status of an intermediate hop is Scrapy's redirect reason (301, 302,
    "meta refresh"…); the last entry is the final response."""
    urls = response.meta.get("redirect_urls") or []
    reasons = response.meta.get("redirect_reasons") or []
    chain = [{"url": url, "status": reasons[i] if i < len(reasons) else None} for i, url in enumerate(urls)]
    chain.append({"url": response.url, "status": response.status})
    return chain


class AgencySpider(Spider):
    name = "agency"

    def __init__(self, plan: AgencyPlan, store: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = plan
        self.store = store
        self.agency_id = plan.agency_id
        self.homepage: str = plan.agency["homepage"]
        hosts = [host_of(self.homepage), *(h.lower() for h in plan.agency.get("hosts") or [])]
        # The agency's own hosts: declared hosts and the apex/www twin of each (www.x.go.th links to x.go.th).
        self.own_hosts = frozenset(hosts + [twin_host(h) for h in hosts])
        self.max_pages = plan.max_pages
        self.max_depth = plan.max_depth
        self.seen: set[str] = set(plan.seen)
        self.pages_issued = plan.pages_done
        self.pages_done = plan.pages_done
        self.backlog: deque[tuple[str, int]] = deque()
        self.budget_hit = False
        self.depth_skipped = 0
        self.cut_off_shapes: Counter[str] = Counter()  # URLs the bounds left unfollowed, by shape (traps.py)
        self.url_status: dict[str, int | None] = {}
        self.internal_targets: set[str] = set(plan.known_targets)
        self.documents: dict[str, str] = {url: document_format(url) or "" for url in plan.known_documents}
        self.robots_blocked: list[str] = []
        self.phase = "pages"
        self.checks_issued = 0
        self.site: dict[str, Any] = {"robots_by_host": {}, "sitemaps": {}}
        self.homepage_result: dict[str, Any] | None = None
        self.home_signals: dict[str, dict[str, Any]] = {}  # handled hostile input the home page shows (handled.py)
        self.gave_up: dict[str, Any] | None = None  # set by GiveUpMiddleware when the site keeps refusing
        self.warc: WarcRecorder | None = None
        self.url_length_limit = 2083

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> AgencySpider:
        spider: AgencySpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._on_robots, signal=robots_fetched)
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        spider.url_length_limit = crawler.settings.getint("URLLENGTH_LIMIT", 2083)
        if spider.plan.warc_dir:
            spider.warc = WarcRecorder(Path(spider.plan.warc_dir), spider.plan.run_id, spider.agency_id)
        return spider

    # --- phase 1 -----------------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        events.emit("agency_started", agency=self.agency_id, budget=self.max_pages, resumed=self.plan.resumed)
        home = urlsplit(self.homepage)
        origin = f"{home.scheme}://{home.netloc}"
        if self.homepage not in self.seen:
            request = self._admit(self.homepage, 0)
            if request is not None:
                yield request
        for url, depth in self.plan.frontier:
            if not is_page_candidate(url):
                continue
            request = self._admit(url, depth)
            if request is not None:
                yield request
        default_sitemap = f"{origin}/sitemap.xml"
        if default_sitemap not in self.site["sitemaps"]:
            self.site["sitemaps"][default_sitemap] = {"source": "default"}
            yield self._sitemap_request(default_sitemap)

    def _sitemap_request(self, url: str) -> Request:
        return Request(
            url,
            callback=self.parse_sitemap,
            errback=self.sitemap_failed,
            meta={KIND: "sitemap", "egov_url": url, "download_maxsize": SITEMAP_MAXSIZE},
            dont_filter=True,
            priority=1,
        )

    def _admit(self, url: str, depth: int) -> Request | None:
        """A page request if the URL is new and the budget allows; otherwise None (backlogged if over budget)."""
        if url in self.seen:
            return None
        self.seen.add(url)
        if self.pages_issued >= self.max_pages:
            self.budget_hit = True
            if traps.counts_as_cut_off(url, beyond_depth=False):
                self.cut_off_shapes[traps.url_shape(url)] += 1
            if len(self.backlog) < MAX_BACKLOG:
                self.backlog.append((url, depth))
            return None
        self.pages_issued += 1
        return self._page_request(url, depth)

    def _page_request(self, url: str, depth: int) -> Request:
        headers: dict[str, str] = {}
        previous = self.plan.previous.get(url)
        if previous is not None:
            if previous.etag:
                headers["If-None-Match"] = previous.etag
            if previous.last_modified:
                headers["If-Modified-Since"] = previous.last_modified
        return Request(
            url,
            callback=self.parse_page,
            errback=self.page_failed,
            headers=headers or None,
            meta={KIND: "page", "egov_url": url, "egov_depth": depth},
            priority=-depth,  # breadth-first: shallow pages first
            dont_filter=True,  # the spider deduplicates (see module docstring)
        )

    def _drain_backlog(self) -> Iterator[Request]:
        while self.backlog and self.pages_issued < self.max_pages:
            url, depth = self.backlog.popleft()
            self.pages_issued += 1
            yield self._page_request(url, depth)

    # --- phase 2: pages ----------------------------------------------------------------------------------
    def parse_page(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        url: str = meta["egov_url"]
        depth: int = meta["egov_depth"]
        if response.status == 304 and url in self.plan.previous:
            yield from self._unchanged_page(response, url, depth)
            return
        item = self._page_item(response, url, depth)
        self._note_status(response, url)
        final_host = host_of(response.url)
        links = item.links
        self.pages_done += 1
        if depth == 0 and url == self.homepage:
            self.homepage_result = {"status": item.status, "final_url": item.final_url, "error_class": item.error_class}
            self.home_signals = handled.home_signals(item)
        events.progress(self.agency_id, self.pages_done, self.max_pages)
        yield item
        for document in item.documents:
            if host_of(document.url) in self.own_hosts:
                self.documents.setdefault(document.url, document.format)
        if item.facts.get("document_format"):
            self.documents[url] = item.facts["document_format"]
            yield DocumentCheckItem(
                url=url,
                status=response.status,
                size=len(response.body),
                content_type=item.content_type,
                method="GET",
            )
        if final_host not in self.own_hosts:
            return  # redirected off the agency's hosts: recorded, not followed
        yield from self._follow(links_internal=[link.url for link in links if link.internal], depth=depth)

    def _follow(self, links_internal: list[str], depth: int) -> Iterator[Request]:
        for target in links_internal:
            if len(self.internal_targets) < MAX_TARGETS:
                self.internal_targets.add(target)
            if target in self.seen or not is_page_candidate(target):
                continue  # documents and media are checked with HEAD (link integrity), not crawled as pages
            if depth + 1 > self.max_depth:
                self.depth_skipped += 1
                self.cut_off_shapes[traps.url_shape(target)] += 1
                continue
            if len(target) > self.url_length_limit:
                continue
            request = self._admit(target, depth + 1)
            if request is not None:
                yield request

    def _page_item(self, response: Response, url: str, depth: int) -> PageItem:
        content_type = header(response, b"Content-Type")
        body = response.body
        latency = response.meta.get("download_latency")
        facts: dict[str, Any] = {
            "headers": response_headers(response),
            "redirect_chain": redirect_chain(response),
            "protocol": response.protocol,
        }
        if response.meta.get("egov_redirect_to_seen"):
            facts["redirect_not_followed"] = response.meta["egov_redirect_to_seen"]  # fetched as its own page
        loop = response.meta.get("egov_redirect_loop")
        if loop:
            facts["redirect_loop"] = loop  # the chain came back to a URL it had visited: not followed again
        item = PageItem(
            url=url,
            depth=depth,
            fetched_at=_now(),
            final_url=response.url,
            status=response.status,
            content_type=content_type,
            size=len(body),
            latency_ms=round(latency * 1000, 2) if latency is not None else None,
            content_hash=hashlib.sha256(body).hexdigest(),
            error_class=failures.REDIRECT_LOOP if loop else None,
            facts=facts,
        )
        if is_html(content_type, body):
            extracted = extract_page(body, url=response.url, content_type=content_type, own_hosts=self.own_hosts)
            item.title, item.lang = extracted.title, extracted.lang
            item.links, item.forms, item.documents = extracted.links, extracted.forms, extracted.documents
            facts.update(extracted.facts)
            facts["cms"] = detect_cms(facts["headers"], extracted.facts.get("generator"))
        else:
            fmt = document_format(response.url, content_type) or document_format(url)
            if fmt:
                facts["document_format"] = fmt
                item.documents = [DocumentRef(url, fmt, "", None)]
            facts["media_type"] = media_type(content_type)
        pointer = response.meta.get(POINTER_META)  # written by WarcRecordingMiddleware when --warc is on
        if pointer is not None:
            item.warc_record_id = pointer["record_id"]
            facts["warc"] = pointer
        return item

    def _unchanged_page(self, response: Response, url: str, depth: int) -> Iterator[Any]:
        """304 Not Modified: the earlier page's facts are reused (copied by the pipeline) and its internal
        links followed, so an incremental run sees the same site without downloading unchanged pages."""
        previous = self.plan.previous[url]
        stored = self.store.page_summary(previous.page_id) if self.store is not None else None
        self.pages_done += 1
        status = stored["status"] if stored else 200
        self.url_status[url] = status
        if depth == 0 and url == self.homepage:
            self.homepage_result = {"status": status, "final_url": stored and stored["final_url"], "error_class": None}
        events.progress(self.agency_id, self.pages_done, self.max_pages)
        yield PageItem(
            url=url,
            depth=depth,
            fetched_at=_now(),
            status=status,
            copied_from_page_id=previous.page_id,
            facts={"not_modified": {"status": 304, "headers": response_headers(response)}},
        )
        if stored:
            for document in stored["documents"]:
                self.documents.setdefault(document, document_format(document) or "")
            if stored["document_format"]:
                # A document fetched as a page: unchanged, so its check is the earlier fetch's (as parse_page does).
                self.documents[url] = stored["document_format"]
                yield DocumentCheckItem(
                    url=url, status=status, size=stored["bytes"], content_type=stored["content_type"], method="GET"
                )
            yield from self._follow(stored["internal_links"], depth)

    def _note_status(self, response: Response, url: str) -> None:
        for hop in [url, *(response.meta.get("redirect_urls") or []), response.url]:
            self.url_status[hop] = response.status

    def page_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        url: str = request.meta["egov_url"]
        depth: int = request.meta["egov_depth"]
        if isinstance(failure.value, GaveUp):
            self.pages_issued -= 1  # never sent: the crawl of the site was given up (giveup.py)
            return
        error_class = redirect_class(classify(failure.value or Exception("unknown failure")), request)
        if error_class == ROBOTS_BLOCKED:
            # Not fetched, so not a page: the budget slot goes back to the next URL in line.
            self.pages_issued -= 1
            if len(self.robots_blocked) < 100:
                self.robots_blocked.append(url)
            if depth == 0 and url == self.homepage:
                self.homepage_result = {"status": None, "final_url": None, "error_class": ROBOTS_BLOCKED}
            yield from self._drain_backlog()
            return
        self.url_status[url] = None
        self.pages_done += 1
        if depth == 0 and url == self.homepage:
            self.homepage_result = {"status": None, "final_url": None, "error_class": error_class}
        events.progress(self.agency_id, self.pages_done, self.max_pages)
        yield PageItem(url=url, depth=depth, fetched_at=_now(), error_class=error_class)

    # --- site-level files ----------------------------------------------------------------------------------
    def _on_robots(self, netloc: str, facts: dict[str, Any]) -> None:
        self.site["robots_by_host"][netloc] = facts
        home = urlsplit(self.homepage)
        if netloc != home.netloc:
            return
        for url in facts.get("sitemaps") or []:
            if host_of(url) in self.own_hosts and url not in self.site["sitemaps"] and self._sitemap_room():
                self.site["sitemaps"][url] = {"source": "robots.txt"}
                assert self.crawler.engine is not None
                self.crawler.engine.crawl(self._sitemap_request(url))

    def _sitemap_room(self) -> bool:
        return len(self.site["sitemaps"]) < self.plan.max_sitemaps

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        url: str = response.meta["egov_url"]
        entry: dict[str, Any] = self.site["sitemaps"].setdefault(url, {"source": "default"})
        entry.update(
            status=response.status,
            final_url=response.url,
            content_type=header(response, b"Content-Type"),
            size=len(response.body),
        )
        if response.status != 200:
            return
        body = response.body
        if body[:3] == b"\x1f\x8b\x08":
            try:
                body = gunzip(body, max_size=SITEMAP_MAXSIZE)
            except Exception as exc:  # a broken .gz is a fact about the site, not a crawler failure
                entry["error_class"] = f"gzip:{type(exc).__name__}"
                return
        parsed = parse_sitemap(body)
        children = parsed.pop("children", [])
        entry.update(parsed)
        for child in children:
            if host_of(child) in self.own_hosts and child not in self.site["sitemaps"] and self._sitemap_room():
                self.site["sitemaps"][child] = {"source": url}
                yield self._sitemap_request(child)

    def sitemap_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        if isinstance(failure.value, GaveUp):
            return
        facts = {
            "url": request.meta["egov_url"],
            "status": None,
            "error_class": classify(failure.value or Exception("unknown failure")),
        }
        self.site["sitemaps"].setdefault(request.meta["egov_url"], {}).update(facts)

    # --- phase 3: link integrity -------------------------------------------------------------------------
    def _on_idle(self) -> None:
        if self.phase != "pages":
            return
        self.phase = "checks"
        requests = list(self._check_requests())
        assert self.crawler.engine is not None
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def _check_requests(self) -> Iterator[Request]:
        budget = self.plan.max_checks
        own_documents = sorted(u for u in self.documents if host_of(u) in self.own_hosts and u not in self.url_status)
        targets = sorted(u for u in self.internal_targets if u not in self.url_status and u not in self.documents)
        for url in [*own_documents, *targets][:budget]:
            self.checks_issued += 1
            yield Request(
                url,
                method="HEAD",
                callback=self.parse_check,
                errback=self.check_failed,
                meta={KIND: "check", "egov_url": url},
                dont_filter=True,
            )

    def parse_check(self, response: Response) -> Iterator[Any]:
        url: str = response.meta["egov_url"]
        if response.request is not None and response.request.method == "HEAD" and response.status in (405, 501):
            # HEAD refused: ask for one byte instead (RFC 9110 §14.2 Range), which also tells the size.
            yield Request(
                url,
                headers={"Range": "bytes=0-0"},
                callback=self.parse_check,
                errback=self.check_failed,
                meta={KIND: "check", "egov_url": url, "download_maxsize": 1024 * 1024},
                dont_filter=True,
            )
            return
        self.url_status[url] = response.status
        if url in self.documents:
            yield DocumentCheckItem(
                url=url,
                status=response.status,
                size=_size_of(response),
                content_type=header(response, b"Content-Type"),
                method=response.request.method if response.request is not None else "HEAD",
            )

    def check_failed(self, failure: Failure) -> Iterator[Any]:
        url: str = failure.request.meta["egov_url"]  # type: ignore[attr-defined]
        error_class = classify(failure.value or Exception("unknown failure"))
        if error_class == ROBOTS_BLOCKED or isinstance(failure.value, GaveUp):
            return
        self.url_status[url] = None
        if url in self.documents:
            yield DocumentCheckItem(url=url, status=None, size=None, content_type=None, error_class=error_class)

    # --- the end -------------------------------------------------------------------------------------------
    def _on_closed(self, reason: str) -> None:
        if self.warc is not None:
            self.warc.close()

    def site_facts(self) -> dict[str, Any]:
        """Everything observed about the site as a whole, for ``site_crawl.site_facts``."""
        site = dict(self.site)
        home = urlsplit(self.homepage)
        site["robots"] = site["robots_by_host"].get(home.netloc)
        site["homepage"] = {"url": self.homepage, **(self.homepage_result or {})}
        sitemaps = site["sitemaps"]
        site["sitemap_summary"] = {
            "requested": len(sitemaps),
            "valid_files": sum(1 for s in sitemaps.values() if s.get("valid")),
            "urls": sum(s.get("urls") or 0 for s in sitemaps.values()),
            "pdfs": sum(s.get("pdfs") or 0 for s in sitemaps.values()),
            "lastmod_latest": max(
                (s["lastmod_latest"] for s in sitemaps.values() if s.get("lastmod_latest")), default=None
            ),
        }
        checked = {u: s for u, s in self.url_status.items() if u in self.internal_targets}
        site["link_checks"] = {
            "internal_targets": len(self.internal_targets),
            "checked": len(checked),
            "broken": sum(1 for s in checked.values() if s is None or s >= 400),
            "head_requests": self.checks_issued,
        }
        site["crawl"] = {
            "budget": self.max_pages,
            "pages": self.pages_done,
            "budget_hit": self.budget_hit,
            "backlog": len(self.backlog),
            "depth_limit": self.max_depth,
            "depth_skipped": self.depth_skipped,
            "url_trap": traps.detect(self.cut_off_shapes),
            **self.home_signals,
            "gave_up": self.gave_up,
            "robots_blocked": self.robots_blocked,
            "own_hosts": sorted(self.own_hosts),
        }
        return site


def _size_of(response: Response) -> int | None:
    content_range = response.headers.get(b"Content-Range")
    if content_range and b"/" in content_range:
        total = content_range.rsplit(b"/", 1)[1].strip()
        if total.isdigit():
            return int(total)
    length = response.headers.get(b"Content-Length")
    if length and length.strip().isdigit():
        return int(length)
    if response.request is not None and response.request.method == "GET":
        return len(response.body)
    return None
