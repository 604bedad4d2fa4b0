"""Every query the application makes lives here, so collectors and the CLI never write SQL; a run's life (created,
resumed, phases marked, finished) is the run manager's, ``store/runs.py``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import Dialect, delete, func, insert, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from egov_crawl.failures import HANDLED
from egov_crawl.registry.models import Agency as RegistryAgency
from egov_crawl.store.models import (
    Agency,
    BrowserFact,
    Document,
    Finding,
    Form,
    Link,
    Page,
    ProbeFact,
    Run,
    Score,
    SiteCrawl,
    utcnow,
)
from egov_crawl.stored_entry import stored_entry

# --- agencies: the registry's entries as the store keeps them ------------------------------------------------------


def sync_agencies(session: Session, agencies: Iterable[RegistryAgency]) -> int:
    """Insert or update the ``agency`` rows from registry entries; returns how many were written."""
    count = 0
    for entry in agencies:
        row = session.get(Agency, entry.id) or Agency(id=entry.id)
        row.name_th = entry.name.th
        row.name_en = entry.name.en or entry.name.local
        row.parent_id = entry.parent
        row.cohort = entry.cohort.value
        row.homepage = entry.homepage
        row.entry = stored_entry(entry)  # a journey's fill values stay in the registry file
        row.updated_at = utcnow()
        session.add(row)
        count += 1
    return count


def get_agency(session: Session, agency_id: str) -> Agency | None:
    return session.get(Agency, agency_id)


def agency_ids(session: Session) -> list[str]:
    """Every agency id the store knows (synced from a registry by crawl, probe, browse or run), sorted."""
    return sorted(session.scalars(select(Agency.id)))


# --- runs, read only: they are created, resumed and finished by the run manager (store/runs.py) --------------------


def get_run(session: Session, run_id: int) -> Run | None:
    return session.get(Run, run_id)


def newest_run_id(session: Session) -> int | None:
    return session.scalar(select(func.max(Run.id)))


def all_run_ids(session: Session) -> list[int]:
    return list(session.scalars(select(Run.id).order_by(Run.id)))


def agencies_with_facts(session: Session, run_id: int) -> list[str]:
    """Agencies of a run with any crawl, probe or browser fact, sorted by id."""
    ids: set[str] = set(session.scalars(select(SiteCrawl.agency_id).where(SiteCrawl.run_id == run_id)))
    ids |= set(session.scalars(select(ProbeFact.agency_id).where(ProbeFact.run_id == run_id).distinct()))
    ids |= set(session.scalars(select(BrowserFact.agency_id).where(BrowserFact.run_id == run_id).distinct()))
    return sorted(ids)


def failure_counts(session: Session, run_id: int) -> dict[str, dict[str, int]]:
    """Error classes of the run by collector: {"crawl": {"tls_error:expired": 1}, "probe": {…}, "browser": {…}};
    the handled-input classes (``failures.HANDLED``: parse_recovered, charset_detected) are not failures."""
    sources: dict[str, Any] = {
        "crawl": (SiteCrawl.error_class, SiteCrawl.run_id),
        "probe": (ProbeFact.error_class, ProbeFact.run_id),
        "browser": (BrowserFact.error_class, BrowserFact.run_id),
    }
    counts: dict[str, dict[str, int]] = {}
    for source, (column, run_column) in sources.items():
        rows = session.execute(
            select(column, func.count()).where(run_column == run_id, column.is_not(None)).group_by(column)
        ).all()
        counts[source] = {str(error_class): int(n) for error_class, n in rows if error_class not in HANDLED}
    return counts


def run_page_count(session: Session, run_id: int) -> int:
    total = session.scalar(select(func.coalesce(func.sum(SiteCrawl.pages), 0)).where(SiteCrawl.run_id == run_id))
    return int(total or 0)


# --- site crawls, pages and what hangs off them (links, documents, forms) ------------------------------------------


def open_site_crawl(
    session: Session, *, run_id: int, agency_id: str, registry_entry: dict[str, Any], max_pages: int
) -> tuple[SiteCrawl, bool]:
    """The ``site_crawl`` of an agency in a run: created, or the existing one (resume); True when it existed."""
    existing = session.scalars(
        select(SiteCrawl).where(SiteCrawl.run_id == run_id, SiteCrawl.agency_id == agency_id)
    ).one_or_none()
    if existing is not None:
        existing.status = "running"
        existing.finished_at = None
        return existing, True
    row = SiteCrawl(run_id=run_id, agency_id=agency_id, registry_entry=registry_entry, max_pages=max_pages)
    session.add(row)
    session.flush()
    return row, False


def site_crawls_for_run(session: Session, run_id: int) -> list[SiteCrawl]:
    return list(session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id).order_by(SiteCrawl.agency_id)))


def _insert_ignoring_conflicts(session: Session, model: type[Any]) -> Any:
    """INSERT … ON CONFLICT DO NOTHING on SQLite and PostgreSQL (the unique keys say what a duplicate is)."""
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(model).on_conflict_do_nothing()

    return sqlite_insert(model).on_conflict_do_nothing()


def insert_pages(session: Session, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert page rows (duplicates of (site_crawl_id, url) are skipped); returns url → id of the new rows."""
    if not rows:
        return {}
    statement = _insert_ignoring_conflicts(session, Page).returning(Page.id, Page.url, sort_by_parameter_order=True)
    return {url: page_id for page_id, url in session.execute(statement, rows)}


def insert_rows(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """Bulk insert of link or form rows (executemany)."""
    if rows:
        session.execute(insert(model), rows)


def upsert_documents(session: Session, rows: list[dict[str, Any]]) -> None:
    """Documents found on pages: the first sighting wins (one row per site crawl and URL)."""
    if rows:
        session.execute(_insert_ignoring_conflicts(session, Document), rows)


def record_document_checks(session: Session, site_crawl_id: int, checks: list[dict[str, Any]]) -> None:
    """Status, size and content type of documents checked with HEAD (or fetched), by URL."""
    if not checks:
        return
    by_url = {check["url"]: check for check in checks}
    documents = session.scalars(
        select(Document).where(Document.site_crawl_id == site_crawl_id, Document.url.in_(list(by_url)))
    )
    found: set[str] = set()
    for document in documents:
        check = by_url[document.url]
        found.add(document.url)
        document.status = check.get("status")
        document.size_bytes = check.get("size")
        extra = {k: v for k, v in check.items() if k not in ("url", "status", "size")}
        document.facts = {**(document.facts or {}), **extra}
    for url, check in by_url.items():
        if url not in found and check.get("format"):
            session.add(
                Document(
                    site_crawl_id=site_crawl_id,
                    url=url,
                    format=check["format"],
                    status=check.get("status"),
                    size_bytes=check.get("size"),
                    facts={k: v for k, v in check.items() if k not in ("url", "status", "size", "format")},
                )
            )


def fill_link_statuses(session: Session, site_crawl_id: int, statuses: dict[str, int | None]) -> int:
    """Set ``link.status`` of the site crawl's internal links from the statuses observed (page fetches and link
    checks); returns how many links were updated."""
    rows = session.execute(
        select(Link.id, Link.target_url)
        .join(Page, Link.page_id == Page.id)
        .where(Page.site_crawl_id == site_crawl_id, Link.internal.is_(True), Link.status.is_(None))
    ).all()
    updates = [
        {"id": link_id, "status": statuses[target]} for link_id, target in rows if statuses.get(target) is not None
    ]
    if updates:
        session.execute(update(Link), updates)
    return len(updates)


def finish_site_crawl(session: Session, site_crawl_id: int, **values: Any) -> None:
    """Record how an agency's crawl ended (status, finish_reason, error_class, pages, stats, site_facts)."""
    row = session.get(SiteCrawl, site_crawl_id)
    if row is None:
        raise KeyError(site_crawl_id)
    for name, value in values.items():
        setattr(row, name, value)
    row.finished_at = utcnow()


def count_pages(session: Session, site_crawl_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Page).where(Page.site_crawl_id == site_crawl_id)) or 0


def crawl_resume_state(session: Session, site_crawl_id: int) -> dict[str, Any]:
    """What a killed crawl had stored: fetched URLs (requested, final and redirect hops), internal link
    targets with the depth of the page they were found on, and document URLs."""
    pages = session.execute(
        select(Page.url, Page.final_url, Page.depth).where(Page.site_crawl_id == site_crawl_id)
    ).all()
    seen = {url for url, _, _ in pages} | {final for _, final, _ in pages if final}
    links = session.execute(
        select(Link.target_url, func.min(Page.depth))
        .join(Page, Link.page_id == Page.id)
        .where(Page.site_crawl_id == site_crawl_id, Link.internal.is_(True))
        .group_by(Link.target_url)
    ).all()
    documents = session.scalars(select(Document.url).where(Document.site_crawl_id == site_crawl_id)).all()
    return {
        "pages": len(pages),
        "seen": sorted(seen),
        "targets": [(target, (depth or 0) + 1) for target, depth in links],
        "documents": list(documents),
    }


def previous_pages(session: Session, agency_id: str, before_run_id: int) -> dict[str, dict[str, Any]]:
    """The agency's pages in its latest earlier site crawl that ended normally, with their validators
    (ETag, Last-Modified) for conditional requests; empty when there is none."""
    site_crawl_id = session.scalar(
        select(SiteCrawl.id)
        .where(
            SiteCrawl.agency_id == agency_id,
            SiteCrawl.run_id < before_run_id,
            SiteCrawl.status == "complete",
        )
        .order_by(SiteCrawl.run_id.desc())
        .limit(1)
    )
    if site_crawl_id is None:
        return {}
    headers = Page.facts["headers"]
    rows = session.execute(
        select(Page.id, Page.url, headers["etag"].as_string(), headers["last-modified"].as_string()).where(
            Page.site_crawl_id == site_crawl_id, Page.status == 200, Page.error_class.is_(None)
        )
    ).all()
    return {
        url: {"page_id": page_id, "etag": etag, "last_modified": modified}
        for page_id, url, etag, modified in rows
        if etag or modified
    }


def page_summary(session: Session, page_id: int) -> dict[str, Any] | None:
    """What an incremental crawl needs from an unchanged page: its status, final URL, internal links, documents,
    and, when the page is itself a document, its format, size and content type (what a check of it records)."""
    page = session.get(Page, page_id)
    if page is None:
        return None
    links = session.scalars(select(Link.target_url).where(Link.page_id == page_id, Link.internal.is_(True))).all()
    return {
        "status": page.status,
        "final_url": page.final_url,
        "document_format": (page.facts or {}).get("document_format"),
        "bytes": page.bytes,
        "content_type": page.content_type,
        "internal_links": list(links),
        "documents": [document["url"] for document in page_documents(session, page_id)],
    }


def page_documents(session: Session, page_id: int) -> list[dict[str, Any]]:
    """The documents a stored page links to (or is), as found in its site crawl: url, format and facts.

    A document row names only the page it was first seen on (``found_on``), so a document linked from several
    pages is found through the page's links too: an unchanged page copied into an incremental run must bring
    every document it links to, whichever page saw it first in the earlier run.
    """
    page = session.get(Page, page_id)
    if page is None:
        return []
    linked = select(Link.target_url).where(Link.page_id == page_id)
    documents = session.scalars(
        select(Document)
        .where(
            Document.site_crawl_id == page.site_crawl_id,
            or_(Document.found_on == page.url, Document.url.in_(linked)),
        )
        .order_by(Document.id)
    ).all()
    return [
        {
            "url": d.url,
            "format": d.format,
            # What the page said about the link; a check's results (status, size, type) are the new run's to find.
            "facts": {key: (d.facts or {}).get(key) for key in ("anchor_text", "region")},
        }
        for d in documents
    ]


def copy_page(session: Session, source_page_id: int, **overrides: Any) -> dict[str, Any]:
    """A new page row (its links, forms and documents follow) copied from an earlier page: an unchanged page in an
    incremental run. ``overrides`` sets site_crawl_id, url, depth, fetched_at and extra facts."""
    source = session.get(Page, source_page_id)
    if source is None:
        raise KeyError(source_page_id)
    extra_facts = overrides.pop("facts", {})
    columns = {
        column.key: getattr(source, column.key)
        for column in Page.__table__.columns
        if column.key not in ("id", "site_crawl_id", "url", "depth", "fetched_at")
    }
    columns["facts"] = {**(source.facts or {}), **extra_facts, "copied_from_page": source_page_id}
    return {**columns, **overrides}


def copy_page_children(session: Session, source_page_id: int, new_page_id: int) -> None:
    links = session.execute(
        select(Link.target_url, Link.anchor_text, Link.region, Link.internal, Link.context).where(
            Link.page_id == source_page_id
        )
    ).all()
    insert_rows(
        session,
        Link,
        [
            {"page_id": new_page_id, "target_url": t, "anchor_text": a, "region": r, "internal": i, "status": None,
             "context": c}
            for t, a, r, i, c in links
        ],
    )  # fmt: skip
    forms = session.scalars(select(Form).where(Form.page_id == source_page_id)).all()
    insert_rows(
        session,
        Form,
        [
            {
                "page_id": new_page_id,
                "action": f.action,
                "method": f.method,
                "fields": f.fields,
                "has_captcha": f.has_captcha,
                "has_file_upload": f.has_file_upload,
                "has_password": f.has_password,
                "facts": f.facts,
            }
            for f in forms
        ],
    )


def crawl_outcomes(session: Session, run_id: int, agency_ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """How each agency's crawl of the run ended: agency id -> (status, error_class); agencies not crawled are
    absent. The browser leaves out a site whose home page stalled (``browser/skip.py``)."""
    rows = session.execute(
        select(SiteCrawl.agency_id, SiteCrawl.status, SiteCrawl.error_class).where(
            SiteCrawl.run_id == run_id, SiteCrawl.agency_id.in_(agency_ids)
        )
    ).all()
    return {row.agency_id: (row.status, row.error_class) for row in rows}


def crawl_sample_candidates(session: Session, run_id: int, agency_id: str) -> dict[str, Any]:
    """What the browser needs from the crawl of one agency in a run to pick its page sample: the pages
    that answered 200 (url, title), the pages with forms (url, method, purpose hint), and per page the
    number of documents found on it."""
    pages = session.execute(
        select(Page.id, Page.url, Page.title)
        .join(SiteCrawl, Page.site_crawl_id == SiteCrawl.id)
        .where(SiteCrawl.run_id == run_id, SiteCrawl.agency_id == agency_id, Page.status == 200)
        .order_by(Page.id)
    ).all()
    page_ids = [row.id for row in pages]
    forms = (
        session.execute(
            select(Page.url, Form.method, Form.fields)
            .join(Page, Form.page_id == Page.id)
            .where(Form.page_id.in_(page_ids))
        ).all()
        if page_ids
        else []
    )
    documents = session.execute(
        select(Document.found_on, func.count())
        .join(SiteCrawl, Document.site_crawl_id == SiteCrawl.id)
        .where(SiteCrawl.run_id == run_id, SiteCrawl.agency_id == agency_id, Document.found_on.is_not(None))
        .group_by(Document.found_on)
    ).all()
    return {
        "pages": [{"url": row.url, "title": row.title or ""} for row in pages],
        "forms": [{"url": row.url, "method": row.method, "fields": row.fields} for row in forms],
        "documents_per_page": {str(found_on): int(n) for found_on, n in documents},
    }


# --- probe facts ---------------------------------------------------------------------------------------------------


def replace_probe_facts(session: Session, run_id: int, agency_id: str, rows: list[dict[str, Any]]) -> int:
    """Store an agency's probe facts for a run (``rows``: host, kind, payload, error_class); returns the count.

    Facts of the same (run, agency, host, kind) recorded earlier are replaced: probing an agency twice in one
    run keeps one row per kind and host, the latest observation.
    """

    keys = {(row["host"], row["kind"]) for row in rows}
    if keys:
        session.execute(
            delete(ProbeFact).where(
                ProbeFact.run_id == run_id,
                ProbeFact.agency_id == agency_id,
                tuple_(ProbeFact.host, ProbeFact.kind).in_(sorted(keys)),
            )
        )
    session.add_all(
        ProbeFact(
            run_id=run_id,
            agency_id=agency_id,
            host=row["host"],
            kind=row["kind"],
            payload=row["payload"],
            error_class=row.get("error_class"),
        )
        for row in rows
    )
    return len(rows)


# --- browser facts -------------------------------------------------------------------------------------------------


def add_browser_facts(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert ``browser_fact`` rows (run_id, agency_id, url, kind, payload, error_class, evidence_path)."""
    if rows:
        session.execute(insert(BrowserFact), rows)


def browser_facts(session: Session, run_id: int, *, agency_id: str | None = None, kind: str | None = None) -> list[Any]:
    """The browser facts of a run, optionally of one agency and one kind, in insertion order."""
    query = select(BrowserFact).where(BrowserFact.run_id == run_id)
    if agency_id is not None:
        query = query.where(BrowserFact.agency_id == agency_id)
    if kind is not None:
        query = query.where(BrowserFact.kind == kind)
    return list(session.scalars(query.order_by(BrowserFact.id)))


def delete_browser_facts(session: Session, run_id: int, agency_id: str) -> int:
    """Drop an agency's browser facts of a run before a browse records them again (a rerun, a retried task)."""

    result = session.execute(
        delete(BrowserFact).where(BrowserFact.run_id == run_id, BrowserFact.agency_id == agency_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


# --- findings and scores -------------------------------------------------------------------------------------------


# Scoring reads the facts of many agencies per query, as plain rows (Core selects of the tables, not ORM
# objects): building ORM instances cost more than the checks themselves (docs/benchmarks.md, scoring).


def crawled_page_counts(session: Session, run_id: int) -> dict[str, int]:
    """agency id → pages its crawl of ``run_id`` recorded (``site_crawl.pages``), to size scoring's batches."""
    rows = session.execute(select(SiteCrawl.agency_id, SiteCrawl.pages).where(SiteCrawl.run_id == run_id))
    return {agency_id: pages or 0 for agency_id, pages in rows}


def agency_rows(session: Session, agency_ids: list[str]) -> dict[str, Any]:
    """id → (id, cohort, homepage, name_th, name_en, profile) of the given agencies present in the store; ``profile``
    is the entry's country profile (None in entries stored before profiles existed)."""
    t = Agency.__table__
    profile = t.c.entry["profile"].as_string().label("profile")
    rows = session.execute(
        select(t.c.id, t.c.cohort, t.c.homepage, t.c.name_th, t.c.name_en, profile).where(t.c.id.in_(agency_ids))
    )
    return {row[0]: row for row in rows}


class PreparedInsert(NamedTuple):
    """An INSERT in one dialect's SQL and its rows as driver parameters: built by whoever computed the rows (a
    scoring worker process), executed by the one writer. Plain strings and tuples, cheap to send between
    processes."""

    sql: str
    params: list[Any]


class ScoringWrite(NamedTuple):
    """What replacing many agencies' findings and scores inserts (see ``prepare_scoring_results``)."""

    findings: PreparedInsert | None
    scores: PreparedInsert | None


def prepare_scoring_results(
    dialect: Dialect, run_id: int, methodology_id: str, findings: list[dict[str, Any]], scores: list[dict[str, Any]]
) -> ScoringWrite:
    """The inserts of ``store_scoring_results`` with every value already converted for ``dialect``'s driver
    (JSON encoded, dates formatted): no store needed, so worker processes do it and the writer only executes."""
    now = utcnow()  # one timestamp for the batch: the rows were computed together
    same = {"run_id": run_id, "methodology_id": methodology_id, "computed_at": now}
    return ScoringWrite(
        _prepare_insert(dialect, Finding.__table__, {"run_id": run_id, "computed_at": now}, findings),
        _prepare_insert(dialect, Score.__table__, same, scores),
    )


def store_scoring_results(
    session: Session, run_id: int, methodology_id: str, agency_ids: list[str], prepared: ScoringWrite
) -> None:
    """Replace the findings and the ``methodology_id`` scores of ``agency_ids`` in a run with ``prepared``: one
    delete and one executemany per table (rescoring is idempotent)."""

    session.execute(delete(Finding).where(Finding.run_id == run_id, Finding.agency_id.in_(agency_ids)))
    session.execute(
        delete(Score).where(
            Score.run_id == run_id, Score.methodology_id == methodology_id, Score.agency_id.in_(agency_ids)
        )
    )
    for insert_rows_ in prepared:
        if insert_rows_ is not None:
            session.connection().exec_driver_sql(insert_rows_.sql, insert_rows_.params)


def _prepare_insert(
    dialect: Dialect, table: Any, same: dict[str, Any], rows: list[dict[str, Any]]
) -> PreparedInsert | None:
    """INSERT ``rows`` (dicts with the same keys) plus the values ``same`` for all of them, as one executemany.

    Each column's bind processing (JSON, dates, booleans) is applied here, once per value, and the driver gets
    plain tuples: SQLAlchemy's executemany builds each row's parameters through the compiler, which cost as much
    as SQLite's own insert for rescore's 81 findings per agency (docs/benchmarks.md, scoring)."""
    if not rows:
        return None
    keys = [*rows[0], *same]
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    names = list(compiled.positiontup or []) if compiled.positional else keys

    def processor(key: str) -> Any:
        return table.c[key].type.dialect_impl(dialect).bind_processor(dialect)

    processors = {key: processor(key) for key in names}
    constants = {key: (processors[key](value) if processors[key] else value) for key, value in same.items()}
    plan = [(key, processors[key]) for key in names]
    if compiled.positional:
        params: list[Any] = [
            tuple(
                constants[key] if key in constants else (convert(row[key]) if convert else row[key])
                for key, convert in plan
            )
            for row in rows
        ]
    else:
        params = [
            {
                key: constants[key] if key in constants else (convert(row[key]) if convert else row[key])
                for key, convert in plan
            }
            for row in rows
        ]
    return PreparedInsert(str(compiled), params)


def findings_of(session: Session, run_id: int, agency_id: str) -> list[Any]:
    return list(
        session.scalars(
            select(Finding).where(Finding.run_id == run_id, Finding.agency_id == agency_id).order_by(Finding.check_id)
        )
    )


def scores_of_run(session: Session, run_id: int, methodology_id: str) -> list[tuple[Any, Agency]]:
    """(score, agency) pairs of a run under a methodology."""
    rows = session.execute(
        select(Score, Agency)
        .join(Agency, Score.agency_id == Agency.id)
        .where(Score.run_id == run_id, Score.methodology_id == methodology_id)
    ).all()
    return [(score, agency) for score, agency in rows]


def score_history(session: Session, agency_id: str, methodology_id: str) -> list[tuple[Any, Run]]:
    """(score, run) pairs of an agency under a methodology, oldest run first."""
    rows = session.execute(
        select(Score, Run)
        .join(Run, Score.run_id == Run.id)
        .where(Score.agency_id == agency_id, Score.methodology_id == methodology_id)
        .order_by(Run.id)
    ).all()
    return [(score, run) for score, run in rows]


def finding_outcome_counts(session: Session, run_id: int, agency_ids: Iterable[str]) -> dict[str, dict[str, int]]:
    """check_id → {outcome: number of agencies}, over the given agencies' findings of a run."""
    ids = list(agency_ids)
    counts: dict[str, dict[str, int]] = {}
    if not ids:
        return counts
    rows = session.execute(
        select(Finding.check_id, Finding.outcome, func.count())
        .where(Finding.run_id == run_id, Finding.agency_id.in_(ids))
        .group_by(Finding.check_id, Finding.outcome)
    ).all()
    for check_id, outcome, n in rows:
        counts.setdefault(str(check_id), {})[str(outcome)] = int(n)
    return counts
