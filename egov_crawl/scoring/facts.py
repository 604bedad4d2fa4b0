"""``SiteFacts``: everything the collectors stored about one agency in one run, and nothing else.

A check sees only this object — no database, no network, no clock (design brief §3). The run's date comes in
``as_of`` so freshness and fiscal-year checks stay deterministic when a stored run is rescored years later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from egov_crawl import thai
from egov_crawl.store import repository


class Source(StrEnum):
    """The collectors a check may need (``needs`` of ``@check``)."""

    CRAWL = "crawl"
    PROBE = "probe"
    BROWSER = "browser"


@dataclass(frozen=True)
class PageFacts:
    url: str
    final_url: str | None
    status: int | None
    content_type: str | None
    title: str | None
    lang: str | None
    depth: int | None
    error_class: str | None
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and self.error_class is None

    @property
    def is_html(self) -> bool:
        return "html" in (self.content_type or "")

    @property
    def headers(self) -> dict[str, str]:
        return {k.lower(): str(v) for k, v in (self.facts.get("headers") or {}).items()}

    def text(self, region: str = "all") -> str:
        return str((self.facts.get("text") or {}).get(region) or "")

    @property
    def headings(self) -> list[str]:
        return [str(h.get("text") or "") for h in self.facts.get("headings") or []]

    @property
    def path(self) -> str:
        return urlsplit(self.final_url or self.url).path or "/"


@dataclass(frozen=True)
class LinkFacts:
    source_url: str
    target_url: str
    anchor_text: str | None
    region: str | None
    internal: bool
    status: int | None

    @property
    def broken(self) -> bool:
        return self.status is not None and self.status >= 400


@dataclass(frozen=True)
class DocumentFacts:
    url: str
    format: str
    status: int | None
    size_bytes: int | None
    found_on: str | None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FormFacts:
    page_url: str
    action: str | None
    method: str
    fields: list[Any]
    has_captcha: bool
    has_file_upload: bool
    has_password: bool
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CrawlFacts:
    """How the agency's crawl ended (``site_crawl``) and the site-level fetches (robots, sitemaps, security.txt…)."""

    status: str
    finish_reason: str | None
    error_class: str | None
    pages: int
    max_pages: int | None
    stats: dict[str, Any] = field(default_factory=dict)
    site_facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProbeFactRow:
    host: str
    kind: str
    payload: dict[str, Any]
    error_class: str | None


@dataclass(frozen=True)
class BrowserFactRow:
    url: str
    kind: str
    payload: dict[str, Any]
    error_class: str | None
    evidence_path: str | None


@dataclass(frozen=True)
class SiteFacts:
    agency_id: str
    cohort: str
    homepage: str
    run_id: int
    as_of: date  # the run's reference date: freshness and fiscal year are judged against it
    name_th: str | None = None
    name_en: str | None = None
    crawl: CrawlFacts | None = None
    pages: tuple[PageFacts, ...] = ()
    links: tuple[LinkFacts, ...] = ()
    documents: tuple[DocumentFacts, ...] = ()
    forms: tuple[FormFacts, ...] = ()
    probes: tuple[ProbeFactRow, ...] = ()
    browser: tuple[BrowserFactRow, ...] = ()
    # Derived indexes (lexicon matching) computed once per agency; not part of the facts.
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # --- which collectors ran -------------------------------------------------------------------------------
    def has(self, source: Source) -> bool:
        if source is Source.CRAWL:
            return self.crawl is not None
        if source is Source.PROBE:
            return bool(self.probes)
        return bool(self.browser)

    @property
    def fiscal_year_be(self) -> int:
        return thai.fiscal_year_be(self.as_of)

    # --- crawl ----------------------------------------------------------------------------------------------
    @property
    def site_facts(self) -> dict[str, Any]:
        return self.crawl.site_facts if self.crawl else {}

    @property
    def ok_pages(self) -> list[PageFacts]:
        return [p for p in self.pages if p.ok and p.is_html]

    @property
    def home(self) -> PageFacts | None:
        """The home page as fetched (the registry homepage URL, or the first page of the crawl)."""
        wanted = {self.homepage, self.homepage.rstrip("/") + "/"}
        home = next((p for p in self.pages if p.url in wanted), None)
        return home or (self.pages[0] if self.pages else None)

    def page(self, url: str) -> PageFacts | None:
        return next((p for p in self.pages if url in (p.url, p.final_url)), None)

    # --- probes and browser -----------------------------------------------------------------------------------
    def probe(self, kind: str, host: str | None = None) -> list[ProbeFactRow]:
        return [p for p in self.probes if p.kind == kind and (host is None or p.host == host)]

    def browser_of(self, kind: str) -> list[BrowserFactRow]:
        return [b for b in self.browser if b.kind == kind]


def _pages(rows: Iterable[Any]) -> tuple[PageFacts, ...]:
    return tuple(
        PageFacts(
            r.url, r.final_url, r.status, r.content_type, r.title, r.lang, r.depth, r.error_class, dict(r.facts or {})
        )
        for r in rows
    )


def load_site_facts(session: Session, run_id: int, agency_id: str, *, as_of: date | None = None) -> SiteFacts:
    """Read every fact of (run, agency) from the store. ``as_of`` defaults to the run's start date."""
    agency = repository.get_agency(session, agency_id)
    run = repository.get_run(session, run_id)
    if run is None:
        raise KeyError(f"run {run_id}")
    if as_of is None:
        option = (run.options or {}).get("as_of")
        as_of = date.fromisoformat(option) if option else run.started_at.date()
    crawl_row = repository.site_crawl_of(session, run_id, agency_id)
    crawl: CrawlFacts | None = None
    pages: tuple[PageFacts, ...] = ()
    links: tuple[LinkFacts, ...] = ()
    documents: tuple[DocumentFacts, ...] = ()
    forms: tuple[FormFacts, ...] = ()
    if crawl_row is not None:
        crawl = CrawlFacts(
            crawl_row.status,
            crawl_row.finish_reason,
            crawl_row.error_class,
            crawl_row.pages,
            crawl_row.max_pages,
            dict(crawl_row.stats or {}),
            dict(crawl_row.site_facts or {}),
        )
        pages = _pages(repository.pages_of_site_crawl(session, crawl_row.id))
        links = tuple(
            LinkFacts(source, link.target_url, link.anchor_text, link.region, link.internal, link.status)
            for source, link in repository.links_of_site_crawl(session, crawl_row.id)
        )
        documents = tuple(
            DocumentFacts(d.url, d.format, d.status, d.size_bytes, d.found_on, dict(d.facts or {}))
            for d in repository.documents_of_site_crawl(session, crawl_row.id)
        )
        forms = tuple(
            FormFacts(
                page_url,
                f.action,
                f.method,
                list(f.fields or []),
                f.has_captcha,
                f.has_file_upload,
                f.has_password,
                dict(f.facts or {}),
            )
            for page_url, f in repository.forms_of_site_crawl(session, crawl_row.id)
        )
    registry_entry = crawl_row.registry_entry if crawl_row is not None else {}
    return SiteFacts(
        agency_id=agency_id,
        cohort=agency.cohort if agency else str(registry_entry.get("cohort") or "other"),
        homepage=agency.homepage if agency else str(registry_entry.get("homepage") or ""),
        run_id=run_id,
        as_of=as_of,
        name_th=agency.name_th if agency else None,
        name_en=agency.name_en if agency else None,
        crawl=crawl,
        pages=pages,
        links=links,
        documents=documents,
        forms=forms,
        probes=tuple(
            ProbeFactRow(p.host, p.kind, dict(p.payload or {}), p.error_class)
            for p in repository.probe_facts_of(session, run_id, agency_id)
        ),
        browser=tuple(
            BrowserFactRow(b.url, b.kind, dict(b.payload or {}), b.error_class, b.evidence_path)
            for b in repository.browser_facts_of(session, run_id, agency_id)
        ),
    )
