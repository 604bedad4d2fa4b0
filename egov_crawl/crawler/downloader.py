"""Scrapy's downloader with per-host concurrency that actually holds when there is no download delay.

Scrapy 2.19 with the asyncio reactor schedules each download as an asyncio task and only marks the request as
"transferring" when that task starts running; ``Downloader._process_queue`` checks free transfer slots in a
loop *before* any of those tasks has started, so with ``DOWNLOAD_DELAY = 0`` it releases every queued request of
a host at once: ``CONCURRENT_REQUESTS_PER_DOMAIN = 2`` let 12 requests reach one loopback host together
(measured by ``tests/crawler/test_crawl.py``). With a delay the loop stops after one request, so the polite
profile was not affected, AutoThrottle included. The fix reserves the transfer slot when the request leaves
the queue. Selected with the ``DOWNLOADER`` setting.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro

SENT_AT_META = "egov_sent_at"  # request meta: time.monotonic() when the request left its slot's queue


class PerHostLimitDownloader(Downloader):
    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            request.meta[SENT_AT_META] = now  # when it left the queue: giveup.py tells apart what was sent late
            slot.transferring.add(request)  # reserved now; Downloader._download adds it again and removes it
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break

    def drop_queued(self, reason: Exception) -> int:
        """Fail every request still waiting in a slot's queue (a given-up site, ``crawler/giveup.py``): without
        this, closing the crawl would wait for each of them to be downloaded, one per (Retry-After) delay."""
        dropped = 0
        for slot in self.slots.values():
            if slot.latercall is not None:
                slot.latercall.cancel()
                slot.latercall = None
            while slot.queue:
                _request, queue_dfd = slot.queue.popleft()
                queue_dfd.errback(reason)
                dropped += 1
        return dropped
