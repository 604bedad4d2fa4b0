"""What one agency's crawl is asked to do, prepared by the runner (from the registry, options and the store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PreviousPage:
    """A page of an earlier run, for conditional requests (RFC 9110 §13.1: If-None-Match, If-Modified-Since)."""

    page_id: int
    etag: str | None
    last_modified: str | None


@dataclass
class AgencyPlan:
    agency: dict[str, Any]  # the registry entry, as JSON
    run_id: int
    site_crawl_id: int
    max_pages: int
    max_depth: int
    max_checks: int
    max_sitemaps: int
    # Resuming (kill -9, then --resume): what the store already holds for this site crawl.
    resumed: bool = False
    seen: list[str] = field(default_factory=list)
    frontier: list[tuple[str, int]] = field(default_factory=list)
    pages_done: int = 0
    known_documents: list[str] = field(default_factory=list)
    known_targets: list[str] = field(default_factory=list)
    # Incremental runs: the agency's pages in its latest earlier crawl, by URL.
    previous: dict[str, PreviousPage] = field(default_factory=dict)
    warc_dir: str | None = None

    @property
    def agency_id(self) -> str:
        return str(self.agency["id"])
