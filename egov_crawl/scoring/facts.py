"""``SiteFacts``: everything the collectors stored about one agency in one run, and nothing else.

A check sees only this object — no database, no network, no clock (design brief §3). The run's date comes in
``as_of`` so freshness and fiscal-year checks stay deterministic when a stored run is rescored years later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, NamedTuple
from urllib.parse import SplitResult, urlsplit

from sqlalchemy.orm import Session

from egov_crawl import thai
from egov_crawl.profiles import Profile, load_profile
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


class LinkFacts(NamedTuple):
    """A link as the crawler stored it. A named tuple, not a frozen dataclass: a site has hundreds of links and
    rescore builds them for every agency (a frozen dataclass's ``__init__`` is five times slower)."""

    source_url: str
    target_url: str
    anchor_text: str | None
    region: str | None
    internal: bool
    status: int | None
    context: str | None = None  # "article": in an article or a news listing (crawler/context.py)

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
    # The country profile the agency is judged under (official domains, national platforms, languages).
    profile: Profile = field(default_factory=load_profile)
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

    # ok_pages, home and split are asked for by most of the 81 checks: computed once per agency (the facts are
    # immutable), in ``cache``.
    @property
    def ok_pages(self) -> list[PageFacts]:
        """Pages that answered with HTML, in crawl order (a shared list: do not modify it)."""
        pages: list[PageFacts] | None = self.cache.get("ok_pages")
        if pages is None:
            pages = self.cache["ok_pages"] = [p for p in self.pages if p.ok and p.is_html]
        return pages

    @property
    def home(self) -> PageFacts | None:
        """The home page as fetched (the registry homepage URL, or the first page of the crawl)."""
        if "home" not in self.cache:
            wanted = {self.homepage, self.homepage.rstrip("/") + "/"}
            home = next((p for p in self.pages if p.url in wanted), None)
            self.cache["home"] = home or (self.pages[0] if self.pages else None)
        page: PageFacts | None = self.cache["home"]
        return page

    def split(self, url: str) -> SplitResult:
        """``urlsplit(url)``; each URL is parsed once per agency (menus repeat the same links on every page)."""
        parsed: dict[str, SplitResult] = self.cache.setdefault("urlsplit", {})
        parts = parsed.get(url)
        if parts is None:
            parts = parsed[url] = urlsplit(url)
        return parts

    def page(self, url: str) -> PageFacts | None:
        return next((p for p in self.pages if url in (p.url, p.final_url)), None)

    # --- probes and browser -----------------------------------------------------------------------------------
    def probe(self, kind: str, host: str | None = None) -> list[ProbeFactRow]:
        return [p for p in self.probes if p.kind == kind and (host is None or p.host == host)]

    def browser_of(self, kind: str) -> list[BrowserFactRow]:
        return [b for b in self.browser if b.kind == kind]


def run_as_of(session: Session, run_id: int) -> date:
    """The run's reference date: its ``options["as_of"]``, else the day it started."""
    run = repository.get_run(session, run_id)
    if run is None:
        raise KeyError(f"run {run_id}")
    option = (run.options or {}).get("as_of")
    return date.fromisoformat(option) if option else run.started_at.date()


def _grouped(rows: Iterable[Any], make: Callable[[Any], Any]) -> dict[Any, list[Any]]:
    """Rows keyed by their first column (a site crawl or agency id), each made into facts, in row order."""
    groups: dict[Any, list[Any]] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(make(row))
    return groups


def load_sites(session: Session, run_id: int, agency_ids: list[str], *, as_of: date | None = None) -> list[SiteFacts]:
    """Every fact of ``agency_ids`` in ``run_id``, in the order given: one query per table for all of them
    (a few hundred agencies at a time keeps memory flat). ``as_of`` defaults to the run's date."""
    if as_of is None:
        as_of = run_as_of(session, run_id)
    agencies = repository.agency_rows(session, agency_ids)
    crawls = {row[1]: row for row in repository.site_crawl_rows(session, run_id, agency_ids)}
    crawl_ids = [row[0] for row in crawls.values()]
    pages = _grouped(
        repository.page_rows(session, crawl_ids),
        lambda r: PageFacts(r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9] or {}),
    )
    links = _grouped(
        repository.link_rows(session, crawl_ids), lambda r: LinkFacts(r[1], r[2], r[3], r[4], r[5], r[6], r[7])
    )
    documents = _grouped(
        repository.document_rows(session, crawl_ids),
        lambda r: DocumentFacts(r[1], r[2], r[3], r[4], r[5], r[6] or {}),
    )
    forms = _grouped(
        repository.form_rows(session, crawl_ids),
        lambda r: FormFacts(r[1], r[2], r[3], list(r[4] or []), r[5], r[6], r[7], r[8] or {}),
    )
    probes = _grouped(
        repository.probe_fact_rows(session, run_id, agency_ids), lambda r: ProbeFactRow(r[1], r[2], r[3] or {}, r[4])
    )
    browser = _grouped(
        repository.browser_fact_rows(session, run_id, agency_ids),
        lambda r: BrowserFactRow(r[1], r[2], r[3] or {}, r[4], r[5]),
    )
    sites: list[SiteFacts] = []
    for agency_id in agency_ids:
        agency = agencies.get(agency_id)
        crawl_row = crawls.get(agency_id)
        crawl: CrawlFacts | None = None
        registry_entry: dict[str, Any] = {}
        if crawl_row is not None:
            crawl_id, _, entry, status, reason, error, count, budget, stats, site_facts = crawl_row
            crawl = CrawlFacts(status, reason, error, count, budget, stats or {}, site_facts or {})
            registry_entry = entry or {}
        else:
            crawl_id = None
        sites.append(
            SiteFacts(
                agency_id=agency_id,
                cohort=agency.cohort if agency else str(registry_entry.get("cohort") or "other"),
                homepage=agency.homepage if agency else str(registry_entry.get("homepage") or ""),
                run_id=run_id,
                as_of=as_of,
                name_th=agency.name_th if agency else None,
                name_en=agency.name_en if agency else None,
                crawl=crawl,
                pages=tuple(pages.get(crawl_id, ())),
                links=tuple(links.get(crawl_id, ())),
                documents=tuple(documents.get(crawl_id, ())),
                forms=tuple(forms.get(crawl_id, ())),
                probes=tuple(probes.get(agency_id, ())),
                browser=tuple(browser.get(agency_id, ())),
                profile=load_profile((agency.profile if agency else None) or registry_entry.get("profile")),
            )
        )
    return sites


def load_site_facts(session: Session, run_id: int, agency_id: str, *, as_of: date | None = None) -> SiteFacts:
    """Read every fact of (run, agency) from the store. ``as_of`` defaults to the run's start date."""
    return load_sites(session, run_id, [agency_id], as_of=as_of)[0]
