"""Scrapy extensions."""

from __future__ import annotations

from typing import Any

from scrapy.extensions.throttle import AutoThrottle


class CrawlDelayAutoThrottle(AutoThrottle):
    """AutoThrottle that never goes below a host's robots.txt ``Crawl-delay``.

    Scrapy's AutoThrottle lowers a slot's delay towards latency / target concurrency, which on a fast server
    would undo the Crawl-delay set by ``RecordingRobotsTxtMiddleware``; the floor is read from the downloader's
    per-slot settings, where that middleware puts it.
    """

    def _response_downloaded(self, response: Any, request: Any, spider: Any) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if key is None or slot is None or self.crawler.engine is None:
            return
        floor = self.crawler.engine.downloader.per_slot_settings.get(key, {}).get("delay")
        if floor and slot.delay < floor:
            slot.delay = floor
