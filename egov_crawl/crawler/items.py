"""What the spider hands to the pipeline. Plain dataclasses (Scrapy accepts them as items)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from egov_crawl.crawler.extract import DocumentRef, FormFact, LinkFact


@dataclass
class PageItem:
    """One fetched URL of an agency's site (or one that failed to fetch: ``error_class`` set, ``status`` None)."""

    url: str
    depth: int
    fetched_at: datetime
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    size: int | None = None
    latency_ms: float | None = None
    title: str | None = None
    lang: str | None = None
    content_hash: str | None = None
    warc_record_id: str | None = None
    error_class: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    links: list[LinkFact] = field(default_factory=list)
    forms: list[FormFact] = field(default_factory=list)
    documents: list[DocumentRef] = field(default_factory=list)
    # Incremental runs: the page answered 304 Not Modified and these rows are copies of the earlier page's.
    copied_from_page_id: int | None = None


@dataclass
class DocumentCheckItem:
    """The result of checking a document URL (HEAD, or a one-byte GET when HEAD is refused)."""

    url: str
    status: int | None
    size: int | None
    content_type: str | None
    error_class: str | None = None
    method: str = "HEAD"
