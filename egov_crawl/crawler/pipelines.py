"""The item pipeline: page facts to the SQL store, in batches, and one ``site_crawl`` per agency per run.

Writes are batched (``EGOV_DB_BATCH_PAGES`` pages or ``EGOV_DB_FLUSH_SECONDS``, whichever comes first): one
transaction holds whole pages with their links, forms and documents, so a crawl killed at any moment leaves
only complete pages behind — which is what ``--resume`` continues from. A batch whose connection is lost (the
database restarted) is written again whole (``store.db.write_with_retry``). A batch that still cannot be written
once the retries are used up is lost: the agency's crawl then stops and ends ``partial`` with the class
``store_error`` and the count in ``site_facts.crawl.store_error``, never ``complete``, so that the run fails
(resumable) and ``--resume`` fetches those pages again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from egov_crawl import failures
from egov_crawl.crawler import events, handled
from egov_crawl.crawler.giveup import GAVE_UP_REASON
from egov_crawl.crawler.items import DocumentCheckItem, PageItem
from egov_crawl.store import repository
from egov_crawl.store.db import session_factory, write_with_retry
from egov_crawl.store.models import Form, Link

logger = logging.getLogger(__name__)
T = TypeVar("T")


class CrawlStore:
    """The store as the crawl process sees it: one engine shared by every agency crawl in the process."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions: sessionmaker[Session] = session_factory(engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def write(self, write: Callable[[Session], T]) -> T:
        """One all-or-nothing write, retried whole when the database connection is lost."""
        return write_with_retry(self._sessions, write)

    def page_summary(self, page_id: int) -> dict[str, Any] | None:
        with self._sessions() as session:
            return repository.page_summary(session, page_id)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _one_line(exc: BaseException) -> str:
    """``Type: first line``: a driver error's message goes on with the SQL and a help link."""
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).strip()
    return f"{type(cause).__name__}: {text.splitlines()[0] if text else ''}".rstrip(": ")[:500]


# Scrapy's finish reasons → (site_crawl.status, finish_reason).
_ENDINGS = {
    "finished": ("complete", "finished"),
    "closespider_timeout": ("partial", "timeout"),
    "shutdown": ("interrupted", "interrupted"),
    "cancelled": ("interrupted", "interrupted"),
}


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.batch_pages = settings.getint("EGOV_DB_BATCH_PAGES", 50)
        self.flush_seconds = settings.getfloat("EGOV_DB_FLUSH_SECONDS", 5.0)
        self.pages: list[PageItem] = []
        self.checks: list[DocumentCheckItem] = []
        self.last_flush = time.monotonic()
        self.stored_pages = 0
        self.lost_pages = 0  # fetched, then not written: the store failed past its retries
        self.lost_checks = 0
        self.store_error: str | None = None
        self.closing = False
        crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    @property
    def spider(self) -> Any:
        return self.crawler.spider

    @property
    def store(self) -> CrawlStore:
        store: CrawlStore = self.spider.store
        return store

    def open_spider(self) -> None:
        self.last_flush = time.monotonic()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            self.pages.append(item)
        elif isinstance(item, DocumentCheckItem):
            self.checks.append(item)
        if len(self.pages) >= self.batch_pages or time.monotonic() - self.last_flush >= self.flush_seconds:
            self.flush()
        return item

    def close_spider(self) -> None:
        self.closing = True
        self.flush()

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if not self.pages and not self.checks:
            return
        pages, self.pages = self.pages, []
        checks, self.checks = self.checks, []
        site_crawl_id = self.spider.plan.site_crawl_id
        check_rows = [
            {
                "url": c.url,
                "status": c.status,
                "size": c.size,
                "content_type": c.content_type,
                "error_class": c.error_class,
                "method": c.method,
            }
            for c in checks
        ]

        def write(session: Session) -> None:
            self._write_pages(session, site_crawl_id, pages)
            repository.record_document_checks(session, site_crawl_id, check_rows)

        try:
            self.store.write(write)
        except Exception as exc:  # past the retry budget, or a write that can never succeed: the batch is lost
            self._lost(len(pages), len(checks), exc)
            return
        self.stored_pages += len(pages)

    def _lost(self, pages: int, checks: int, exc: Exception) -> None:
        """Count a batch the store refused, and stop the agency's crawl: it has to be fetched again anyway."""
        self.lost_pages += pages
        self.lost_checks += checks
        self.store_error = _one_line(exc)
        logger.error("lost %d pages of %s: %s", pages, self.spider.agency_id, self.store_error, exc_info=exc)
        events.emit("store_error", agency=self.spider.agency_id, lost_pages=self.lost_pages, error=self.store_error)
        engine = self.crawler.engine
        if not self.closing and engine is not None:
            self.closing = True
            deferred_from_coro(engine.close_spider_async(reason=failures.STORE_ERROR))

    def _write_pages(self, session: Session, site_crawl_id: int, pages: list[PageItem]) -> None:
        rows: list[dict[str, Any]] = []
        for page in pages:
            if page.copied_from_page_id is not None:
                rows.append(
                    repository.copy_page(
                        session,
                        page.copied_from_page_id,
                        site_crawl_id=site_crawl_id,
                        url=page.url,
                        depth=page.depth,
                        fetched_at=page.fetched_at,
                        facts=page.facts,
                    )
                )
                continue
            rows.append(
                {
                    "site_crawl_id": site_crawl_id,
                    "url": page.url,
                    "final_url": page.final_url,
                    "status": page.status,
                    "content_type": (page.content_type or "")[:255] or None,
                    "bytes": page.size,
                    "latency_ms": page.latency_ms,
                    "depth": page.depth,
                    "title": page.title,
                    "lang": page.lang,
                    "content_hash": page.content_hash,
                    "warc_record_id": page.warc_record_id,
                    "error_class": page.error_class,
                    "fetched_at": page.fetched_at,
                    "facts": _jsonable(page.facts),
                }
            )
        ids = repository.insert_pages(session, rows)
        links: list[dict[str, Any]] = []
        forms: list[dict[str, Any]] = []
        documents: dict[str, dict[str, Any]] = {}
        for page in pages:
            page_id = ids.get(page.url)
            if page_id is None:
                continue  # already stored (a resumed crawl re-fetched a page it had stored): keep the first
            if page.copied_from_page_id is not None:
                # Unchanged since the earlier run: its links, forms and documents are that run's rows, copied.
                repository.copy_page_children(session, page.copied_from_page_id, page_id)
                for copied in repository.page_documents(session, page.copied_from_page_id):
                    documents.setdefault(
                        copied["url"], {**copied, "site_crawl_id": site_crawl_id, "found_on": page.url}
                    )
                continue
            links.extend(
                {
                    "page_id": page_id,
                    "target_url": link.url,
                    "anchor_text": link.text or None,
                    "region": link.region,
                    "internal": link.internal,
                    "context": link.context,
                }
                for link in page.links
            )
            forms.extend(
                {
                    "page_id": page_id,
                    "action": form.action,
                    "method": form.method,
                    "fields": form.fields,
                    "has_captcha": form.has_captcha,
                    "has_file_upload": form.has_file_upload,
                    "has_password": form.has_password,
                    "facts": form.facts,
                }
                for form in page.forms
            )
            for document in page.documents:
                documents.setdefault(
                    document.url,
                    {
                        "site_crawl_id": site_crawl_id,
                        "url": document.url,
                        "format": document.format,
                        "found_on": page.url,
                        "facts": {"anchor_text": document.text or None, "region": document.region},
                    },
                )
        repository.insert_rows(session, Link, links)
        repository.insert_rows(session, Form, forms)
        repository.upsert_documents(session, list(documents.values()))

    def _spider_closed(self, spider: Any, reason: str) -> None:
        self.closing = True
        self.flush()
        status, finish_reason = _ENDINGS.get(reason, ("partial", reason[:64]))
        homepage = spider.homepage_result or {}
        error_class = None
        if status == "complete" and spider.budget_hit:
            finish_reason = "budget"
        if homepage.get("error_class"):
            error_class = homepage["error_class"]
            if status == "complete":
                status = "failed"
        site_facts = _jsonable(spider.site_facts())
        gave_up = site_facts["crawl"].get("gave_up")
        if gave_up:
            # The site kept refusing (giveup.py): what was stored is partial, and nothing at all when the home
            # page never answered with content.
            error_class, finish_reason = gave_up["reason"], GAVE_UP_REASON
            home_status = homepage.get("status")
            status = "partial" if home_status is not None and 200 <= home_status < 400 else "failed"
        if error_class is None:
            # A URL trap the bounds cut off, or (on a completed crawl) hostile input the crawler handled
            # (handled.py, precedence there). The status is left as it is, so scores still use the pages.
            site_class = handled.site_class(site_facts["crawl"])
            if site_class == failures.URL_TRAP or status == "complete":
                error_class = site_class
        if self.store_error is not None:
            # Pages were fetched and not stored: whatever the site did, the facts are incomplete. Never complete
            # (``site_crawl.pages`` is recounted from the rows, so nothing else would show the gap).
            status, finish_reason, error_class = "partial", failures.STORE_ERROR, failures.STORE_ERROR
            site_facts["crawl"]["store_error"] = {
                "lost_pages": self.lost_pages,
                "lost_document_checks": self.lost_checks,
                "error": self.store_error,
            }
        stats = _jsonable(self.crawler.stats.get_stats()) if self.crawler.stats else {}
        site_crawl_id = spider.plan.site_crawl_id

        def finish(session: Session) -> int:
            pages = repository.count_pages(session, site_crawl_id)
            repository.fill_link_statuses(session, site_crawl_id, spider.url_status)
            repository.finish_site_crawl(
                session,
                site_crawl_id,
                status=status,
                finish_reason=finish_reason,
                error_class=error_class,
                pages=pages,
                stats=stats,
                site_facts=site_facts,
            )
            return pages

        pages = self.store.write(finish)
        events.emit(
            "agency_finished",
            agency=spider.agency_id,
            status=status,
            finish_reason=finish_reason,
            error_class=error_class,
            pages=pages,
            budget=spider.max_pages,
        )
