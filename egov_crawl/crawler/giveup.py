"""Give up on a site that keeps refusing: 429 after the crawler slowed down, or a run of 5xx answers.

A site answering 429 Too Many Requests is asking the crawler to go away for a while (RFC 6585 §4); a crawler
that keeps asking, even slowly, spends its night on one site and learns nothing. The rule here:

* ``rate_limited``: one host gave ``RATE_LIMIT_RESPONSES`` 429 answers in a row, the later ones to requests
  *sent after* its earlier 429 arrived — so at least one came after ``RetryAfterMiddleware`` had slowed that
  host down for its ``Retry-After`` (a per-host instruction, RFC 9110 §10.2.3: the host is asked again once,
  after the wait). Answers to requests already in flight together count once: one Retry-After wait is
  spent, never more (≤ the capped Retry-After plus one round trip).
* ``server_error``: ``SERVER_ERROR_RESPONSES`` 5xx answers in a row that Scrapy will not retry again (after
  the one retry of ``RETRY_TIMES``). Link checks (HEAD) are left out: a broken link answering 500 is a fact
  about the link, not about the server's health.

Any other answer breaks a run. Giving up closes the agency's crawl (``finish_reason`` "gave_up"), drops the
requests still waiting in the downloader, and leaves the evidence on the spider (``spider.gave_up``), which the
pipeline stores as ``site_facts.crawl.gave_up`` with ``error_class`` = the reason (``egov_crawl.failures``).
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from egov_crawl import failures
from egov_crawl.crawler.downloader import SENT_AT_META
from egov_crawl.crawler.middlewares import header, retry_after_seconds

logger = logging.getLogger(__name__)

RATE_LIMIT_RESPONSES = 2  # 429s in a row (one after slowing down) before the site is rate_limited
SERVER_ERROR_RESPONSES = 3  # final 5xx answers in a row before the site is server_error
GAVE_UP_REASON = "gave_up"  # the Scrapy close reason (site_crawl.finish_reason)
_KEPT_STATUSES = 10  # statuses kept as evidence


class GaveUp(IgnoreRequest):
    """A request dropped because the crawl of its site was given up (never stored as a page)."""


class GiveUpMiddleware:
    """Counts 429 and 5xx runs per agency crawl (one middleware instance per crawler, one crawler per agency)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.retry_enabled = settings.getbool("RETRY_ENABLED", True)
        self.retry_times = settings.getint("RETRY_TIMES")
        self.retry_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        # Per host: the current run of 429s, and when its first 429 was seen (time.monotonic()).
        self.rate_limited: dict[str, list[int]] = {}
        self.first_429_at: dict[str, float] = {}
        self.server_errors: list[int] = []  # the current run of final 5xx statuses
        self.responses_429 = 0
        self.responses_5xx = 0
        self.retry_after_s: float | None = None
        self.started = time.monotonic()
        self.gave_up: dict[str, Any] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GiveUpMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        if self.gave_up is not None:
            raise GaveUp(f"gave up on the site: {self.gave_up['reason']}")

    def process_response(self, request: Request, response: Response) -> Response:
        if self.gave_up is not None:
            return response
        status = response.status
        host = urlsplit(response.url).hostname or ""
        if status == 429:
            self._on_429(host, request, response)
        else:
            self.rate_limited.pop(host, None)
            self.first_429_at.pop(host, None)
        if status >= 500 and request.meta.get("egov_kind") != "check":
            self.responses_5xx += 1
            if not self._will_retry(request, status):
                self.server_errors.append(status)
                if len(self.server_errors) >= SERVER_ERROR_RESPONSES:
                    self._give_up(failures.SERVER_ERROR, self.responses_5xx, self.server_errors, request.url)
        elif status < 500 and status != 429:
            self.server_errors = []
        return response

    def _on_429(self, host: str, request: Request, response: Response) -> None:
        self.responses_429 += 1
        now = time.monotonic()
        retry_after = retry_after_seconds(header(response, b"Retry-After"))
        if retry_after is not None:
            self.retry_after_s = retry_after
        first = self.first_429_at.get(host)
        if first is None:
            self.first_429_at[host] = now
            self.rate_limited[host] = [429]
            return
        sent_at = request.meta.get(SENT_AT_META)
        if sent_at is None or sent_at < first:
            # Sent before the first 429 was seen (in flight together, or dispatched by the downloader the
            # moment the first one's transfer ended): the host had not been asked to slow down yet.
            return
        run = self.rate_limited[host]
        run.append(429)
        if len(run) >= RATE_LIMIT_RESPONSES:
            self._give_up(failures.RATE_LIMITED, self.responses_429, run, request.url)

    def _will_retry(self, request: Request, status: int) -> bool:
        """What Scrapy's RetryMiddleware will do with this answer (its rules, scrapy/downloadermiddlewares/retry.py)."""
        if not self.retry_enabled or request.meta.get("dont_retry") or status not in self.retry_codes:
            return False
        limit = request.meta.get("max_retry_times")
        limit = self.retry_times if limit is None else int(limit)
        return int(request.meta.get("retry_times", 0)) < limit

    def _give_up(self, reason: str, responses: int, statuses: list[int], url: str) -> None:
        evidence: dict[str, Any] = {
            "reason": reason,
            "responses": responses,
            "statuses": statuses[-_KEPT_STATUSES:],
            "last_url": url,
            "after_s": round(time.monotonic() - self.started, 1),
        }
        if reason == failures.RATE_LIMITED:
            evidence["retry_after_s"] = self.retry_after_s
        self.gave_up = evidence
        spider = self.crawler.spider
        if spider is not None:
            setattr(spider, "gave_up", evidence)  # noqa: B010 (AgencySpider declares it; Spider does not)
        logger.warning("giving up on %s: %s after %d responses", url, reason, responses)
        engine = self.crawler.engine
        if engine is None:
            return
        drop_queued = getattr(engine.downloader, "drop_queued", None)
        if drop_queued is not None:
            drop_queued(GaveUp(f"gave up on the site: {reason}"))
        deferred_from_coro(engine.close_spider_async(reason=GAVE_UP_REASON))
