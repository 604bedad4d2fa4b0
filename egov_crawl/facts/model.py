"""``SiteFacts``: everything the collectors stored about one agency in one run, and nothing else.

A check sees only this object — no database, no network, no clock. The run's date comes in ``as_of`` so
freshness and fiscal-year checks stay deterministic when a stored run is rescored years later. The payloads are
the typed shapes of ``egov_crawl.facts``; the store's loader (``egov_crawl.store.site_facts``) builds these
objects, and they hold no state of their own beyond the facts (indexes the checks derive from them live in
``egov_crawl.scoring.derived``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any, Generic, Literal, NamedTuple, TypeVar, overload
from urllib.parse import SplitResult, urlsplit

from egov_crawl.facts.browser import (
    AxeFact,
    BrowserPayload,
    FormsFact,
    JourneyFact,
    PageFact,
    ScreenshotFact,
    SearchFact,
)
from egov_crawl.facts.json import JsonObject, JsonValue
from egov_crawl.facts.kinds import BrowserKind, ProbeKind
from egov_crawl.facts.page import PagePayload
from egov_crawl.facts.probe import (
    AvailabilityFact,
    DnsFact,
    HttpFact,
    HttpsFact,
    NotFoundFact,
    ProbePayload,
    SecurityTxtFact,
    TlsFact,
)
from egov_crawl.facts.site import SitePayload
from egov_crawl.profiles import Profile, load_profile
from egov_crawl.thai import fiscal_year_be

__all__ = [
    "BrowserFactRow",
    "BrowserKind",
    "CrawlFacts",
    "DocumentFacts",
    "FormFacts",
    "LinkFacts",
    "PageFacts",
    "ProbeFactRow",
    "ProbeKind",
    "SiteFacts",
    "Source",
]

Payload = TypeVar("Payload")


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
    facts: PagePayload = field(default_factory=PagePayload)

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
    facts: JsonObject = field(default_factory=dict)


@dataclass(frozen=True)
class FormFacts:
    page_url: str
    action: str | None
    method: str
    fields: list[JsonObject]
    has_captcha: bool
    has_file_upload: bool
    has_password: bool
    facts: JsonObject = field(default_factory=dict)


@dataclass(frozen=True)
class CrawlFacts:
    """How the agency's crawl ended (``site_crawl``) and the site-level fetches (robots, sitemaps, security.txt…)."""

    status: str
    finish_reason: str | None
    error_class: str | None
    pages: int
    max_pages: int | None
    stats: dict[str, JsonValue] = field(default_factory=dict)
    site_facts: SitePayload = field(default_factory=SitePayload)


@dataclass(frozen=True)
class ProbeFactRow(Generic[Payload]):
    """One ``probe_fact`` row. ``payload`` is the kind's shape (``egov_crawl.facts.probe``); a row whose kind ran
    out of time holds ``TimedOut`` instead, with ``error_class`` "timeout": look at ``error_class`` first."""

    host: str
    kind: str
    payload: Payload
    error_class: str | None


@dataclass(frozen=True)
class BrowserFactRow(Generic[Payload]):
    """One ``browser_fact`` row. ``payload`` is the kind's shape (``egov_crawl.facts.browser``); a row whose
    ``error_class`` is set holds ``ErrorFact`` instead: look at ``error_class`` first."""

    url: str
    kind: str
    payload: Payload
    error_class: str | None
    evidence_path: str | None


@lru_cache(maxsize=65536)
def _split(url: str) -> SplitResult:
    return urlsplit(url)


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
    # Payload types per kind: read them through ``probe(kind)`` and ``browser_of(kind)``.
    probes: tuple[ProbeFactRow[Any], ...] = ()
    browser: tuple[BrowserFactRow[Any], ...] = ()
    # The country profile the agency is judged under (official domains, national platforms, languages).
    profile: Profile = field(default_factory=load_profile)
    # Derived from ``pages`` when the facts are made (most of the 81 checks ask for them).
    ok_pages: tuple[PageFacts, ...] = field(init=False, compare=False, repr=False)
    home: PageFacts | None = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Pages that answered with HTML, in crawl order.
        object.__setattr__(self, "ok_pages", tuple(p for p in self.pages if p.ok and p.is_html))
        # The home page as fetched: the registry homepage URL, or the first page of the crawl.
        wanted = {self.homepage, self.homepage.rstrip("/") + "/"}
        home = next((p for p in self.pages if p.url in wanted), None)
        object.__setattr__(self, "home", home or (self.pages[0] if self.pages else None))

    # --- which collectors ran -------------------------------------------------------------------------------
    def has(self, source: Source) -> bool:
        if source is Source.CRAWL:
            return self.crawl is not None
        if source is Source.PROBE:
            return bool(self.probes)
        return bool(self.browser)

    @property
    def fiscal_year_be(self) -> int:
        return fiscal_year_be(self.as_of)

    # --- crawl ----------------------------------------------------------------------------------------------
    @property
    def site_facts(self) -> SitePayload:
        return self.crawl.site_facts if self.crawl else SitePayload()

    def split(self, url: str) -> SplitResult:
        """``urlsplit(url)``, memoised across agencies (menus repeat the same links on every page)."""
        return _split(url)

    def page(self, url: str) -> PageFacts | None:
        return next((p for p in self.pages if url in (p.url, p.final_url)), None)

    # --- probes and browser: each kind with its payload type --------------------------------------------------
    @overload
    def probe(self, kind: Literal[ProbeKind.HTTPS], host: str | None = None) -> list[ProbeFactRow[HttpsFact]]: ...
    @overload
    def probe(self, kind: Literal[ProbeKind.TLS], host: str | None = None) -> list[ProbeFactRow[TlsFact]]: ...
    @overload
    def probe(self, kind: Literal[ProbeKind.HTTP], host: str | None = None) -> list[ProbeFactRow[HttpFact]]: ...
    @overload
    def probe(
        self, kind: Literal[ProbeKind.AVAILABILITY], host: str | None = None
    ) -> list[ProbeFactRow[AvailabilityFact]]: ...
    @overload
    def probe(
        self, kind: Literal[ProbeKind.NOT_FOUND], host: str | None = None
    ) -> list[ProbeFactRow[NotFoundFact]]: ...
    @overload
    def probe(
        self, kind: Literal[ProbeKind.SECURITY_TXT], host: str | None = None
    ) -> list[ProbeFactRow[SecurityTxtFact]]: ...
    @overload
    def probe(self, kind: Literal[ProbeKind.DNS], host: str | None = None) -> list[ProbeFactRow[DnsFact]]: ...
    @overload
    def probe(self, kind: ProbeKind, host: str | None = None) -> list[ProbeFactRow[ProbePayload]]: ...
    def probe(self, kind: ProbeKind, host: str | None = None) -> list[ProbeFactRow[Any]]:
        # The row's kind decides its payload's shape; the overloads above state it for each kind.
        return [p for p in self.probes if p.kind == kind and (host is None or p.host == host)]

    @overload
    def browser_of(self, kind: Literal[BrowserKind.PAGE]) -> list[BrowserFactRow[PageFact]]: ...
    @overload
    def browser_of(self, kind: Literal[BrowserKind.AXE]) -> list[BrowserFactRow[AxeFact]]: ...
    @overload
    def browser_of(self, kind: Literal[BrowserKind.FORMS]) -> list[BrowserFactRow[FormsFact]]: ...
    @overload
    def browser_of(self, kind: Literal[BrowserKind.JOURNEY]) -> list[BrowserFactRow[JourneyFact]]: ...
    @overload
    def browser_of(self, kind: Literal[BrowserKind.SEARCH]) -> list[BrowserFactRow[SearchFact]]: ...
    @overload
    def browser_of(self, kind: Literal[BrowserKind.SCREENSHOT]) -> list[BrowserFactRow[ScreenshotFact]]: ...
    @overload
    def browser_of(self, kind: BrowserKind) -> list[BrowserFactRow[BrowserPayload]]: ...
    def browser_of(self, kind: BrowserKind) -> list[BrowserFactRow[Any]]:
        return [b for b in self.browser if b.kind == kind]
