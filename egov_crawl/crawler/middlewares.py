"""Downloader middlewares: robots.txt obeyed *and recorded*, Crawl-delay honoured, non-public addresses refused,
bodies cut at the size cap named ``too_large``."""

from __future__ import annotations

import logging
from email.utils import parsedate_to_datetime
from time import time
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import DownloadCancelledError, NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred
from w3lib.url import safe_url_string

from egov_crawl import failures
from egov_crawl.crawler.errors import BlockedAddress, classify
from egov_crawl.crawler.resolver import BLOCK_PRIVATE_SETTING, HOSTMAP_SETTING, hostmap_from_setting, refused_answers
from egov_crawl.crawler.sitefacts import parse_robots
from egov_crawl.netguard import refusal

logger = logging.getLogger(__name__)

# Sent once per host (scheme + host + port) when its robots.txt has been fetched or has failed:
# ``netloc`` and ``facts`` (JSON-ready). The spider collects them into the site facts.
robots_fetched = object()


def header(response: Response, name: bytes) -> str | None:
    """A response header as text (latin-1, as HTTP/1.1 field values are octets: RFC 9110 §5.5), or None."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


MAX_ROBOTS_BYTES_KEPT = 20_000
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RecordingRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, plus three things a survey needs.

    * What robots.txt said is recorded as a fact (status, rules, sitemaps, crawl-delay), from the one fetch
      Scrapy makes anyway: robots.txt is never requested twice.
    * A server error (5xx) or 429 means "complete disallow" (RFC 9309 §2.3.1.4); an unavailable robots.txt
      (other 4xx) means "no rules" (§2.3.1.3). Scrapy parses whatever body came back instead. Network errors
      keep Scrapy's behaviour (no rules): the page requests then fail the same way and record why.
    * ``Crawl-delay`` for our product token is applied to the host's download slot (delay, concurrency 1, no
      jitter), and kept for the slot if Scrapy garbage-collects it. Scrapy itself ignores Crawl-delay.
    * Requests that arrive while robots.txt is being fetched all wait for the parser. In Scrapy 2.19 they share
      one Deferred through ``maybe_deferred_to_future``, whose callback returns None, so only the first waiter
      got the rules and the others were let through unchecked (found by tests/crawler/test_hostile.py: a
      disallow-all site still received the soft-404 probe).
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.max_crawl_delay = crawler.settings.getfloat("EGOV_MAX_CRAWL_DELAY", 60.0)
        self.agent = crawler.settings.get("ROBOTSTXT_USER_AGENT") or crawler.settings.get("USER_AGENT")

    async def robot_parser(self, request: Request) -> Any:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred[Any] = Deferred()

            def relay(parser: Any) -> Any:
                waiter.callback(parser)
                return parser  # keep the result for the next waiter

            pending.addCallback(relay)
            return await maybe_deferred_to_future(waiter)
        return await super().robot_parser(request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        status = response.status
        facts: dict[str, Any] = {
            "url": response.url,
            "status": status,
            "content_type": header(response, b"Content-Type"),
            "size": len(response.body),
        }
        if status >= 500 or status == 429:
            body, facts["treated_as"] = DISALLOW_ALL, "disallow-all"
        elif status >= 400:
            body, facts["treated_as"] = b"", "allow-all"
        else:
            body, facts["treated_as"] = response.body, "rules"
            text = response.body[:MAX_ROBOTS_BYTES_KEPT].decode("utf-8", "replace")
            facts.update(parse_robots(text))
            facts["body"] = text
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{status}")
        parser = build_from_crawler(self._parserimpl, self.crawler, body)
        await self.crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=parser, request=request
        )
        pending = self._parsers[netloc]
        self._parsers[netloc] = parser
        delay = parser.crawl_delay(self.agent) if facts["treated_as"] == "rules" else None
        facts["crawl_delay_for_us"] = delay
        if delay:
            self._apply_crawl_delay(netloc, min(float(delay), self.max_crawl_delay))
        self._announce(netloc, facts)
        pending.callback(parser)  # type: ignore[union-attr]

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        self._announce(netloc, {"status": None, "error_class": classify(exc), "treated_as": "allow-all"})
        super()._robots_error(exc, netloc)

    def _announce(self, netloc: str, facts: dict[str, Any]) -> None:
        self.crawler.signals.send_catch_log(signal=robots_fetched, netloc=netloc, facts=facts)

    def _apply_crawl_delay(self, netloc: str, delay: float) -> None:
        host = (urlsplit(f"//{netloc}").hostname or netloc).lower()
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        downloader.per_slot_settings[host] = {"delay": delay, "concurrency": 1, "jitter": 0.0}
        slot = downloader.slots.get(host)
        if slot is not None:
            slot.delay = max(slot.delay, delay)
            slot.concurrency = 1
            slot.jitter = 0.0
        logger.info("%s asks for Crawl-delay %.2fs: honoured", netloc, delay)


class PublicAddressMiddleware:
    """The crawler's SSRF guard before the download (``egov_crawl.netguard``): refuse a request — a link, a
    redirect target (redirected requests pass through here again) — whose host is a non-public IP literal, or a
    host-map name mapped to a non-public address when the map does not allow private networks. Names resolved
    by real DNS are checked on the answer itself by ``resolver.HostMapResolver``, at connect time; such a refusal
    is turned from the failed lookup it looks like into ``BlockedAddress`` here."""

    def __init__(self, crawler: Crawler) -> None:
        if not crawler.settings.getbool(BLOCK_PRIVATE_SETTING, True):
            raise NotConfigured
        self.crawler = crawler
        self.hostmap = hostmap_from_setting(crawler.settings.get(HOSTMAP_SETTING))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PublicAddressMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        reason = refusal(parts.hostname or "", port, self.hostmap)
        if reason:
            raise BlockedAddress(reason)

    def process_exception(self, request: Request, exception: Exception) -> None:
        """A lookup that failed because the resolver dropped every answer as non-public is the SSRF guard's
        refusal, not a DNS failure: the same ``blocked_address`` as an IP literal in the URL."""
        if classify(exception) != failures.DNS_ERROR:
            return
        host = urlsplit(request.url).hostname or ""
        answers = refused_answers(host)
        if answers:
            raise BlockedAddress(f"{host} resolves to the non-public address(es) {', '.join(answers)}") from exception


BODY_BYTES_META = "egov_body_bytes"


class OversizeMiddleware:
    """A body cut at the size cap while it streamed is ``too_large``, like one refused from its Content-Length.

    Scrapy refuses an announced oversize body with a message naming the max size (classified ``too_large``), but
    it cuts a body without Content-Length by cancelling the download, and the spider then sees a bare
    cancellation (``cancelled``). The browser did not know such a home page was too large and opened it (a
    never-ending stream, audit H4). Counting each request's body bytes as they arrive (the ``bytes_received``
    signal, the bytes the cap counts) tells the two apart: past the cap, the cancellation is re-raised with the
    size in its message.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.default_maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        crawler.signals.connect(self._bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OversizeMiddleware:
        return cls(crawler)

    @staticmethod
    def _bytes_received(data: bytes, request: Request, **_: Any) -> None:
        request.meta[BODY_BYTES_META] = request.meta.get(BODY_BYTES_META, 0) + len(data)

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, DownloadCancelledError) or "size" in str(exception).lower():
            return
        maxsize = int(request.meta.get("download_maxsize", self.default_maxsize) or 0)
        received = int(request.meta.get(BODY_BYTES_META, 0))
        if maxsize and received > maxsize:
            raise DownloadCancelledError(
                f"Received {received} bytes which is larger than download max size ({maxsize}) in request {request}."
            ) from exception


REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class RedirectOnceMiddleware:
    """Do not follow a page's redirect to a URL the spider has already fetched or scheduled.

    Without it, ``/old`` → 301 → ``/about`` downloads ``/about`` twice when both are linked (redirected requests
    bypass the spider's ``seen`` set). The page ``/old`` is then stored as its 301 with the target in
    ``facts["redirect_chain"]``; a redirect to a new URL is followed and the target marked as seen. A redirect
    back to a URL of its own chain is a loop: not followed, the page is stored with ``redirect_loop``. Runs
    before RedirectMiddleware in the response direction (a higher order number than its 600).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectOnceMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if request.meta.get("egov_kind") != "page" or response.status not in REDIRECT_STATUSES:
            return response
        location = response.headers.get(b"Location")
        seen = getattr(self.crawler.spider, "seen", None)
        if not location or seen is None:
            return response
        target = safe_url_string(urljoin(request.url, location.decode("latin-1").strip())).split("#", 1)[0]
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            # A loop (RFC 9110 §15.4: "a client SHOULD detect and intervene in cyclical redirections"): stop
            # here; the spider stores this response with error_class redirect_loop.
            request.meta["dont_redirect"] = True
            request.meta["egov_redirect_loop"] = {"target": target, "hops": len(chain)}
        elif target in seen and target != request.url:
            request.meta["dont_redirect"] = True
            request.meta["egov_redirect_to_seen"] = target
        else:
            seen.add(target)
        return response


class RetryAfterMiddleware:
    """Slow down for a host that answers 429 or 503 with ``Retry-After`` (RFC 9110 §10.2.3, RFC 6585 §4).

    Scrapy retries such responses but ignores the header; here the host's download slot waits at least that
    long (capped by ``EGOV_MAX_CRAWL_DELAY``, without random jitter) before the retry and every later request to
    that host. It acts on Scrapy's ``response_downloaded`` signal, which the downloader sends *before* it hands
    the freed slot to the next queued request: in ``process_response`` it came too late, and one more request
    left at once after every 429 (seen in the testbed's request log). Enabled as a downloader middleware so the
    settings list it with its neighbours (RetryMiddleware, 550).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.cap = crawler.settings.getfloat("EGOV_MAX_CRAWL_DELAY", 60.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    def response_downloaded(self, response: Response, request: Request) -> None:
        if response.status not in (429, 503):
            return
        seconds = retry_after_seconds(header(response, b"Retry-After"))
        if seconds is None or self.crawler.engine is None:
            return
        delay = min(max(seconds, 0.0), self.cap)
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        settings = downloader.per_slot_settings.setdefault(key, {})
        settings["delay"] = max(float(settings.get("delay", 0.0)), delay)
        settings["jitter"] = 0.0  # Retry-After is a minimum: ±50% randomisation would cut it or add half again
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, delay)
            slot.jitter = 0.0
        logger.info("%s answered %s with Retry-After %s: waiting %.1fs between requests", key, response.status,
                    header(response, b"Retry-After"), delay)  # fmt: skip


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After value: delay-seconds or an HTTP-date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time())
