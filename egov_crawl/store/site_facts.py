"""Read one run's facts of some agencies from the store into ``SiteFacts``, the only input of the checks.

One query per table for all the agencies of a batch (a few hundred at a time keeps memory flat); columns are
read by name. The JSON payload columns are trusted to hold the shapes of ``egov_crawl.facts``: they were
written by the collectors through the same types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from egov_crawl.facts.model import (
    BrowserFactRow,
    CrawlFacts,
    DocumentFacts,
    FormFacts,
    LinkFacts,
    PageFacts,
    ProbeFactRow,
    SiteFacts,
)
from egov_crawl.facts.page import PagePayload
from egov_crawl.facts.site import SitePayload
from egov_crawl.profiles import load_profile
from egov_crawl.store import repository
from egov_crawl.store.models import BrowserFact, Document, Form, Link, Page, ProbeFact, SiteCrawl

K = TypeVar("K")
F = TypeVar("F")


def run_as_of(session: Session, run_id: int) -> date:
    """The run's reference date: its ``options["as_of"]``, else the day it started."""
    run = repository.get_run(session, run_id)
    if run is None:
        raise KeyError(f"run {run_id}")
    option = (run.options or {}).get("as_of")
    return date.fromisoformat(option) if option else run.started_at.date()


def _grouped(rows: Iterable[Any], key: Callable[[Any], K], make: Callable[[Any], F]) -> dict[K, list[F]]:
    """Rows grouped by ``key`` (a site crawl or agency id), each made into facts, in row order."""
    groups: dict[K, list[F]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(make(row))
    return groups


def _site_crawls(session: Session, run_id: int, agency_ids: list[str]) -> dict[str, Any]:
    t = SiteCrawl.__table__
    rows = session.execute(
        select(
            t.c.id, t.c.agency_id, t.c.registry_entry, t.c.status, t.c.finish_reason, t.c.error_class, t.c.pages,
            t.c.max_pages, t.c.stats, t.c.site_facts,
        ).where(t.c.run_id == run_id, t.c.agency_id.in_(agency_ids))
    )  # fmt: skip
    return {row.agency_id: row for row in rows}


def _pages(session: Session, crawl_ids: list[int]) -> dict[int, list[PageFacts]]:
    p = Page.__table__
    rows = session.execute(
        select(
            p.c.site_crawl_id, p.c.url, p.c.final_url, p.c.status, p.c.content_type, p.c.title, p.c.lang, p.c.depth,
            p.c.error_class, p.c.facts,
        )
        .where(p.c.site_crawl_id.in_(crawl_ids))
        .order_by(p.c.id)
    )  # fmt: skip
    return _grouped(
        rows,
        lambda r: r.site_crawl_id,
        lambda r: PageFacts(
            url=r.url,
            final_url=r.final_url,
            status=r.status,
            content_type=r.content_type,
            title=r.title,
            lang=r.lang,
            depth=r.depth,
            error_class=r.error_class,
            facts=cast(PagePayload, r.facts or {}),
        ),
    )


def _links(session: Session, crawl_ids: list[int]) -> dict[int, list[LinkFacts]]:
    p, link = Page.__table__, Link.__table__
    rows = session.execute(
        select(
            p.c.site_crawl_id, p.c.url.label("source_url"), link.c.target_url, link.c.anchor_text, link.c.region,
            link.c.internal, link.c.status, link.c.context,
        )
        .select_from(link.join(p, link.c.page_id == p.c.id))
        .where(p.c.site_crawl_id.in_(crawl_ids))
        .order_by(link.c.id)
    )  # fmt: skip
    # Positional: a site has hundreds of links, and a named tuple built by keyword costs twice as much.
    return _grouped(
        rows,
        lambda r: r.site_crawl_id,
        lambda r: LinkFacts(r.source_url, r.target_url, r.anchor_text, r.region, r.internal, r.status, r.context),
    )


def _documents(session: Session, crawl_ids: list[int]) -> dict[int, list[DocumentFacts]]:
    d = Document.__table__
    rows = session.execute(
        select(d.c.site_crawl_id, d.c.url, d.c.format, d.c.status, d.c.size_bytes, d.c.found_on, d.c.facts)
        .where(d.c.site_crawl_id.in_(crawl_ids))
        .order_by(d.c.id)
    )
    return _grouped(
        rows,
        lambda r: r.site_crawl_id,
        lambda r: DocumentFacts(
            url=r.url,
            format=r.format,
            status=r.status,
            size_bytes=r.size_bytes,
            found_on=r.found_on,
            facts=r.facts or {},
        ),
    )


def _forms(session: Session, crawl_ids: list[int]) -> dict[int, list[FormFacts]]:
    p, f = Page.__table__, Form.__table__
    rows = session.execute(
        select(
            p.c.site_crawl_id, p.c.url.label("page_url"), f.c.action, f.c.method, f.c.fields, f.c.has_captcha,
            f.c.has_file_upload, f.c.has_password, f.c.facts,
        )
        .select_from(f.join(p, f.c.page_id == p.c.id))
        .where(p.c.site_crawl_id.in_(crawl_ids))
        .order_by(f.c.id)
    )  # fmt: skip
    return _grouped(
        rows,
        lambda r: r.site_crawl_id,
        lambda r: FormFacts(
            page_url=r.page_url,
            action=r.action,
            method=r.method,
            fields=list(r.fields or []),
            has_captcha=r.has_captcha,
            has_file_upload=r.has_file_upload,
            has_password=r.has_password,
            facts=r.facts or {},
        ),
    )


def _probe_facts(session: Session, run_id: int, agency_ids: list[str]) -> dict[str, list[ProbeFactRow[Any]]]:
    t = ProbeFact.__table__
    rows = session.execute(
        select(t.c.agency_id, t.c.host, t.c.kind, t.c.payload, t.c.error_class)
        .where(t.c.run_id == run_id, t.c.agency_id.in_(agency_ids))
        .order_by(t.c.id)
    )
    return _grouped(
        rows,
        lambda r: r.agency_id,
        lambda r: ProbeFactRow(host=r.host, kind=r.kind, payload=r.payload or {}, error_class=r.error_class),
    )


def _browser_facts(session: Session, run_id: int, agency_ids: list[str]) -> dict[str, list[BrowserFactRow[Any]]]:
    t = BrowserFact.__table__
    rows = session.execute(
        select(t.c.agency_id, t.c.url, t.c.kind, t.c.payload, t.c.error_class, t.c.evidence_path)
        .where(t.c.run_id == run_id, t.c.agency_id.in_(agency_ids))
        .order_by(t.c.id)
    )
    return _grouped(
        rows,
        lambda r: r.agency_id,
        lambda r: BrowserFactRow(
            url=r.url,
            kind=r.kind,
            payload=r.payload or {},
            error_class=r.error_class,
            evidence_path=r.evidence_path,
        ),
    )


def _crawl_facts(row: Any) -> CrawlFacts:
    return CrawlFacts(
        status=row.status,
        finish_reason=row.finish_reason,
        error_class=row.error_class,
        pages=row.pages,
        max_pages=row.max_pages,
        stats=row.stats or {},
        site_facts=cast(SitePayload, row.site_facts or {}),
    )


def load_sites(session: Session, run_id: int, agency_ids: list[str], *, as_of: date | None = None) -> list[SiteFacts]:
    """Every fact of ``agency_ids`` in ``run_id``, in the order given. ``as_of`` defaults to the run's date."""
    if as_of is None:
        as_of = run_as_of(session, run_id)
    agencies = repository.agency_rows(session, agency_ids)
    crawls = _site_crawls(session, run_id, agency_ids)
    crawl_ids = [row.id for row in crawls.values()]
    pages, links = _pages(session, crawl_ids), _links(session, crawl_ids)
    documents, forms = _documents(session, crawl_ids), _forms(session, crawl_ids)
    probes, browser = _probe_facts(session, run_id, agency_ids), _browser_facts(session, run_id, agency_ids)
    sites: list[SiteFacts] = []
    for agency_id in agency_ids:
        agency = agencies.get(agency_id)
        crawl_row = crawls.get(agency_id)
        crawl_id = crawl_row.id if crawl_row is not None else None
        entry: dict[str, Any] = (crawl_row.registry_entry or {}) if crawl_row is not None else {}
        sites.append(
            SiteFacts(
                agency_id=agency_id,
                cohort=agency.cohort if agency else str(entry.get("cohort") or "other"),
                homepage=agency.homepage if agency else str(entry.get("homepage") or ""),
                run_id=run_id,
                as_of=as_of,
                name_th=agency.name_th if agency else None,
                name_en=agency.name_en if agency else None,
                crawl=_crawl_facts(crawl_row) if crawl_row is not None else None,
                pages=tuple(pages.get(crawl_id, ())) if crawl_id is not None else (),
                links=tuple(links.get(crawl_id, ())) if crawl_id is not None else (),
                documents=tuple(documents.get(crawl_id, ())) if crawl_id is not None else (),
                forms=tuple(forms.get(crawl_id, ())) if crawl_id is not None else (),
                probes=tuple(probes.get(agency_id, ())),
                browser=tuple(browser.get(agency_id, ())),
                profile=load_profile((agency.profile if agency else None) or entry.get("profile")),
            )
        )
    return sites


def load_site_facts(session: Session, run_id: int, agency_id: str, *, as_of: date | None = None) -> SiteFacts:
    """Read every fact of (run, agency) from the store. ``as_of`` defaults to the run's start date."""
    return load_sites(session, run_id, [agency_id], as_of=as_of)[0]
