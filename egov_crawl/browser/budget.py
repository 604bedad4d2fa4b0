"""A byte budget for each browser job, counted on decoded bytes: an endless or bomb-like response ends the job.

Chromium has no response-size cap of its own. A page that streams without end (no Content-Length) was downloaded
at ~9 MB/s until the job deadline, and a gzip bomb that is small on the wire inflated in the renderer: both grew
the Chromium process tree by gigabytes (audit H4: 5.36 GB PSS). The crawler caps a page's body at 10 MiB; the
browser loads a page *with* its images, scripts, styles and fonts, so its cap is per job and larger
(``BrowseLimits.max_job_bytes``).

Counted through the DevTools protocol on each page the job opens: ``Network.dataReceived`` reports
``dataLength``, the bytes after content decoding (gzip, br, deflate) as they reach the renderer, so a bomb counts
at its inflated size. When a cap is passed, :attr:`ByteBudget.exceeded` is set; the runner then
cancels the job, closes its browser context (which stops the transfer) and stores ``too_large``.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import Page

# What a job calls on each page it opens, before the page navigates (``ByteBudget.watch``).
PageHook = Callable[[Page], Awaitable[None]]

# Network.enable keeps response bodies for Network.getResponseBody; this session never asks for them.
NO_BODY_BUFFER = {"maxTotalBufferSize": 0, "maxResourceBufferSize": 0}


class BudgetExceeded(Exception):
    """A job received more decoded bytes than its budget (stored as ``too_large``, with ``received_bytes``)."""

    def __init__(self, message: str, received: int) -> None:
        super().__init__(message)
        self.received = received


class ByteBudget:
    """Decoded bytes received by the pages of the current job, against ``limit`` (all responses) and
    ``document_limit`` (any one HTML document)."""

    def __init__(self, limit: int, document_limit: int) -> None:
        self.limit = limit
        self.document_limit = document_limit
        self.received = 0
        self.exceeded = asyncio.Event()
        self._per_request: Counter[str] = Counter()
        self._urls: dict[str, str] = {}
        self._documents: set[str] = set()
        self._attaching: weakref.WeakKeyDictionary[Page, asyncio.Future[None]] = weakref.WeakKeyDictionary()

    def start_job(self) -> None:
        self.received = 0
        self.exceeded = asyncio.Event()
        self._per_request.clear()
        self._urls.clear()
        self._documents.clear()

    async def watch(self, page: Page) -> None:
        """Count what ``page`` receives from now on. Call it before the page navigates. A second call for the same
        page (the context's page event and the job both call it) waits for the first one's attachment and does
        not count twice."""
        attaching = self._attaching.get(page)
        if attaching is None:
            attaching = self._attaching[page] = asyncio.ensure_future(self._attach(page))
        await asyncio.shield(attaching)

    async def _attach(self, page: Page) -> None:
        with contextlib.suppress(Exception):  # a page closed meanwhile has nothing left to count
            session = await page.context.new_cdp_session(page)
            session.on("Network.responseReceived", self._response)
            session.on("Network.dataReceived", self._data)
            await session.send("Network.enable", NO_BODY_BUFFER)

    def _response(self, params: dict[str, Any]) -> None:  # always before the response's data
        request = str(params.get("requestId"))
        self._urls[request] = str(params.get("response", {}).get("url", ""))
        if params.get("type") == "Document":
            self._documents.add(request)

    def _data(self, params: dict[str, Any]) -> None:
        request, length = str(params.get("requestId")), int(params.get("dataLength") or 0)
        self.received += length
        self._per_request[request] += length
        over_document = request in self._documents and self._per_request[request] > self.document_limit
        if (over_document or self.received > self.limit) and not self.exceeded.is_set():
            self.exceeded.set()

    def error(self) -> BudgetExceeded:
        request, size = self._per_request.most_common(1)[0] if self._per_request else ("", 0)
        return BudgetExceeded(
            f"the job received {self.received} bytes (decoded; caps: {self.document_limit} per HTML document, "
            f"{self.limit} per job); the largest response, {self._urls.get(request, 'unknown URL')}, "
            f"sent {size} bytes before the job was stopped",
            self.received,
        )
